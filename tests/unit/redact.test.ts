import { describe, expect, it } from 'vitest';
import { redactPii } from '@/lib/gateway/redact';

describe('redactPii', () => {
  it('redacts e-mail addresses', () => {
    expect(redactPii('Write to jane.doe+ai@example.co.uk today')).toBe('Write to [email] today');
  });

  it('redacts card-like numbers, grouped or not', () => {
    expect(redactPii('card 4242 4242 4242 4242 exp 12/29')).toBe('card [card number] exp 12/29');
    expect(redactPii('card 4000-0566-5566-5556.')).toBe('card [card number].');
    expect(redactPii('amex 378282246310005')).toBe('amex [card number]');
  });

  it('keeps ordinary numbers, dates and phone-length digits', () => {
    const text = 'Order 12345 on 2026-11-21 for 3 seats, call 555 0100, budget 1000000';
    expect(redactPii(text)).toBe(text);
  });
});

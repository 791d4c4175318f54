import { describe, expect, it } from 'vitest';
import { formatTokens } from '../../lib/aiTokens/format';
import { periodRange } from '../../lib/aiTokens/schemas';
import { periodDays } from '../../lib/usage/schemas';

describe('formatTokens', () => {
  it('is exact below ten thousand and compact above', () => {
    expect(formatTokens(0)).toBe('0');
    expect(formatTokens(950)).toBe('950');
    expect(formatTokens(9_999)).toBe('9,999');
    expect(formatTokens(12_345)).toBe('12.3K');
    expect(formatTokens(2_500_000)).toBe('2.5M');
    expect(formatTokens(150_000_000n)).toBe('150M');
    expect(formatTokens(3_000_000_000)).toBe('3B');
    expect(formatTokens(-1_200)).toBe('−1,200');
  });

  it('shows unlimited as ∞', () => {
    expect(formatTokens(null)).toBe('∞');
    expect(formatTokens(undefined)).toBe('∞');
  });
});

describe('periods', () => {
  const now = new Date('2026-03-10T15:30:00Z');

  it('"30d" is the 30 UTC days ending today', () => {
    expect(periodDays('30d', now)).toEqual({ from: '2026-02-09', to: '2026-03-10' });
    expect(periodRange('7d', now)).toEqual({
      from: new Date('2026-03-04T00:00:00Z'),
      to: new Date('2026-03-11T00:00:00Z'),
    });
  });

  it('explicit days pass through and bad ones are refused', () => {
    expect(periodDays({ from: '2026-01-01', to: '2026-01-31' }, now)).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
    });
    expect(() => periodDays({ from: 'yesterday', to: '2026-01-31' }, now)).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { percentOf, usageLevel } from '@/components/tokens/queries';

/** The low-balance thresholds the /tokens page and the usage widget warn at. */
describe('usageLevel', () => {
  it('warns at 80 %, is critical at 95 % and spent at 100 %', () => {
    expect(usageLevel(0)).toBe('ok');
    expect(usageLevel(79)).toBe('ok');
    expect(usageLevel(80)).toBe('warning');
    expect(usageLevel(94)).toBe('warning');
    expect(usageLevel(95)).toBe('critical');
    expect(usageLevel(99)).toBe('critical');
    expect(usageLevel(100)).toBe('exhausted');
  });
});

describe('percentOf', () => {
  it('rounds down, caps at 100 and treats a zero allowance as spent once used', () => {
    expect(percentOf(0, 500)).toBe(0);
    expect(percentOf(399, 500)).toBe(79);
    expect(percentOf(400, 500)).toBe(80);
    expect(percentOf(600, 500)).toBe(100);
    expect(percentOf(0, 0)).toBe(0);
    expect(percentOf(1, 0)).toBe(100);
  });
});

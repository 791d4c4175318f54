import { describe, expect, it } from 'vitest';
import { one } from '@/lib/core';

describe('one', () => {
  it('returns the single row', () => {
    expect(one([{ id: 1 }], 'wallet')).toEqual({ id: 1 });
  });

  it('throws naming what was missing or duplicated', () => {
    expect(() => one([], 'result of credit_spend')).toThrow(
      'Expected exactly one result of credit_spend, got 0.',
    );
    expect(() => one([1, 2], 'plans row')).toThrow('Expected exactly one plans row, got 2.');
  });
});

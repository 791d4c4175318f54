import { describe, expect, it } from 'vitest';
import { formatCredits } from '../../lib/credits/format';
import { db } from '../helpers/fixtures';

/** Alert texts written in SQL show credits exactly as the app's formatCredits does. */

const AMOUNTS = [
  0n,
  1n,
  9_999n,
  10_000n,
  99_999n,
  100_000n,
  37_500_000n,
  2_500_000_000n,
  1_234_567_890_123n,
];

describe('private.format_credits', () => {
  it.each(AMOUNTS.map((amount) => [amount]))('%s micro-credits', async (amount) => {
    const [row] = await db()<{ text: string }[]>`
      select private.format_credits(${amount.toString()}::bigint) as text`;
    expect(row!.text).toBe(formatCredits(amount));
  });
});

/**
 * Credits for people. Amounts are integers of micro-credits (1 credit = 1,000,000) everywhere
 * in code; only this helper turns them into text. Safe in client components.
 */

export const MICRO_PER_CREDIT = 1_000_000n;

/** Accepts bigint or the decimal string the API sends; never a float. */
export function toMicro(value: bigint | string | number): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new RangeError('micro-credit amounts are whole numbers');
    return BigInt(value);
  }
  if (!/^-?\d+$/.test(value)) throw new RangeError(`not a micro-credit amount: ${value}`);
  return BigInt(value);
}

/**
 * 12_345_678n → "12.35" credits (two decimals by default, more for small amounts so a charge
 * of 0.0004 credits never reads as 0).
 */
export function formatCredits(
  micro: bigint | string | number,
  options: { decimals?: number; unit?: boolean; sign?: boolean } = {},
): string {
  const value = toMicro(micro);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  let decimals = options.decimals ?? 2;
  if (options.decimals === undefined && abs > 0n && abs < 10_000n) decimals = 6;
  else if (options.decimals === undefined && abs > 0n && abs < 100_000n) decimals = 4;

  const scale = 10n ** BigInt(6 - decimals);
  const rounded = (abs + scale / 2n) / scale; // half-up at the shown precision
  const whole = rounded / 10n ** BigInt(decimals);
  const fraction = rounded % 10n ** BigInt(decimals);
  const wholeText = whole.toLocaleString('en-US');
  const text =
    decimals > 0 ? `${wholeText}.${fraction.toString().padStart(decimals, '0')}` : wholeText;
  const signText = negative ? '−' : options.sign && abs > 0n ? '+' : '';
  return `${signText}${text}${options.unit ? ' credits' : ''}`;
}

/** "12.5" credits → 12_500_000n micro-credits (for inputs people type). */
export function parseCredits(text: string): bigint {
  const match = /^\s*(\d{1,12})(?:\.(\d{1,6}))?\s*$/.exec(text.replaceAll(',', ''));
  if (!match) throw new RangeError('Enter an amount like 10 or 12.5');
  return BigInt(match[1]!) * MICRO_PER_CREDIT + BigInt((match[2] ?? '').padEnd(6, '0'));
}

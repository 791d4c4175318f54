/**
 * Integer pricing: what a call costs the platform (micro-USD) and what it charges (micro-credits).
 * Prices are micro-USD per 1M tokens; 1 µUSD of cost becomes creditsPerUsd µcredits, times the
 * markup in basis points. One ceiling at the end: a charge is rounded up to the micro-credit.
 * No floats anywhere; safe in client components.
 */

export interface ModelPrice {
  inputPerMtok: bigint;
  cachedInputPerMtok: bigint;
  outputPerMtok: bigint;
  creditsPerUsd: bigint;
  markupBps: bigint;
  /** Micro-USD per generated image (image models); 0 when absent. */
  perImage?: bigint;
  /** Micro-USD per second of audio (transcription models); 0 when absent. */
  perAudioSecond?: bigint;
}

export interface MeteredUsage {
  /** All input tokens, cached ones included. */
  inputTokens: number;
  /** The part of inputTokens read from the provider's prompt cache. */
  cachedInputTokens: number;
  outputTokens: number;
  /** Images generated (image models). */
  images?: number;
  /** Audio processed, in milliseconds (billed per second, pro rata to the millisecond). */
  audioMilliseconds?: number;
}

const PER_MTOK = 1_000_000n;
const BPS = 10_000n;

function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  return numerator === 0n ? 0n : (numerator + denominator - 1n) / denominator;
}

function whole(count: number, field: string): bigint {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`${field} must be a count`);
  return BigInt(count);
}

/** Σ tokens × price + images × per-image + audio ms × per-second / 1000, in micro-USD × 10^6 (exact). */
function rawCost(price: ModelPrice, usage: MeteredUsage): bigint {
  const input = whole(usage.inputTokens, 'inputTokens');
  const cached = whole(usage.cachedInputTokens, 'cachedInputTokens');
  const output = whole(usage.outputTokens, 'outputTokens');
  const images = whole(usage.images ?? 0, 'images');
  const audioMs = whole(usage.audioMilliseconds ?? 0, 'audioMilliseconds');
  const cachedPart = cached > input ? input : cached;
  return (
    (input - cachedPart) * price.inputPerMtok +
    cachedPart * price.cachedInputPerMtok +
    output * price.outputPerMtok +
    images * (price.perImage ?? 0n) * PER_MTOK +
    audioMs * (price.perAudioSecond ?? 0n) * (PER_MTOK / 1_000n)
  );
}

/** What the provider charges for the usage, in micro-USD (rounded up). */
export function providerCostMicroUsd(price: ModelPrice, usage: MeteredUsage): bigint {
  return ceilDiv(rawCost(price, usage), PER_MTOK);
}

/** What the subject is charged for the usage, in micro-credits (rounded up once). */
export function creditsFor(price: ModelPrice, usage: MeteredUsage): bigint {
  return ceilDiv(rawCost(price, usage) * price.creditsPerUsd * price.markupBps, PER_MTOK * BPS);
}

/** Micro-credits per 1,000 tokens of each kind, for price lists. */
export function creditsPer1k(price: ModelPrice): {
  input: bigint;
  cachedInput: bigint;
  output: bigint;
} {
  const per = (perMtok: bigint) =>
    ceilDiv(1_000n * perMtok * price.creditsPerUsd * price.markupBps, PER_MTOK * BPS);
  return {
    input: per(price.inputPerMtok),
    cachedInput: per(price.cachedInputPerMtok),
    output: per(price.outputPerMtok),
  };
}

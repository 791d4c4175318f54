import { describe, expect, it } from 'vitest';
import { creditsFor, creditsPer1k, providerCostMicroUsd } from '../../lib/gateway/pricing';

const gpt4oMini = {
  inputPerMtok: 150_000n,
  cachedInputPerMtok: 75_000n,
  outputPerMtok: 600_000n,
  creditsPerUsd: 10n,
  markupBps: 15_000n,
};

describe('integer pricing', () => {
  it('rounds up once, to the micro-credit', () => {
    // 1 input token: 0.15 µUSD × 10 credits/USD × 1.5 = 2.25 µcredits → 3.
    expect(creditsFor(gpt4oMini, { inputTokens: 1, cachedInputTokens: 0, outputTokens: 0 })).toBe(
      3n,
    );
    // Summed before rounding: 2 tokens = 4.5 → 5, not 3 + 3.
    expect(creditsFor(gpt4oMini, { inputTokens: 2, cachedInputTokens: 0, outputTokens: 0 })).toBe(
      5n,
    );
    expect(creditsFor(gpt4oMini, { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 })).toBe(
      0n,
    );
  });

  it('cached input is priced at the cached rate and never exceeds the input', () => {
    const usage = { inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 1_000_000 };
    // 600k × 0.15 + 400k × 0.075 + 1M × 0.6 = 720,000 µUSD.
    expect(providerCostMicroUsd(gpt4oMini, usage)).toBe(720_000n);
    expect(creditsFor(gpt4oMini, usage)).toBe(10_800_000n);
    expect(creditsFor(gpt4oMini, { inputTokens: 10, cachedInputTokens: 50, outputTokens: 0 })).toBe(
      creditsFor(gpt4oMini, { inputTokens: 10, cachedInputTokens: 10, outputTokens: 0 }),
    );
  });

  it('stays exact far beyond float precision', () => {
    const big = {
      inputTokens: 900_000_000_000,
      cachedInputTokens: 0,
      outputTokens: 900_000_000_000,
    };
    const price = { ...gpt4oMini, inputPerMtok: 999_999_999n, outputPerMtok: 999_999_997n };
    const raw = 900_000_000_000n * 999_999_999n + 900_000_000_000n * 999_999_997n;
    expect(creditsFor(price, big)).toBe((raw * 10n * 15_000n + 10n ** 10n - 1n) / 10n ** 10n);
  });

  it('rejects fractional or negative counts', () => {
    expect(() =>
      creditsFor(gpt4oMini, { inputTokens: 1.5, cachedInputTokens: 0, outputTokens: 0 }),
    ).toThrow();
    expect(() =>
      creditsFor(gpt4oMini, { inputTokens: -1, cachedInputTokens: 0, outputTokens: 0 }),
    ).toThrow();
  });

  it('lists micro-credits per 1K tokens', () => {
    expect(creditsPer1k(gpt4oMini)).toEqual({ input: 2_250n, cachedInput: 1_125n, output: 9_000n });
  });
});

describe('media pricing', () => {
  const media = { ...gpt4oMini, perImage: 42_000n, perAudioSecond: 100n };
  const none = { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 };

  it('charges per image: 2 images × 42,000 µUSD × 10 credits/USD × 1.5', () => {
    expect(providerCostMicroUsd(media, { ...none, images: 2 })).toBe(84_000n);
    expect(creditsFor(media, { ...none, images: 2 })).toBe(1_260_000n);
  });

  it('charges per audio second, pro rata to the millisecond, rounded up once', () => {
    // 61.5 s × 100 µUSD = 6,150 µUSD → × 15 = 92,250 µcredits.
    expect(providerCostMicroUsd(media, { ...none, audioMilliseconds: 61_500 })).toBe(6_150n);
    expect(creditsFor(media, { ...none, audioMilliseconds: 61_500 })).toBe(92_250n);
    // 1 ms = 0.1 µUSD → 1.5 µcredits → 2.
    expect(creditsFor(media, { ...none, audioMilliseconds: 1 })).toBe(2n);
  });

  it('adds media to tokens before rounding; prices without media terms charge none', () => {
    const usage = { inputTokens: 1, cachedInputTokens: 0, outputTokens: 0, images: 1 };
    expect(creditsFor(media, usage)).toBe(630_003n);
    expect(creditsFor(gpt4oMini, { ...usage, audioMilliseconds: 5_000 })).toBe(3n);
    expect(() => creditsFor(media, { ...none, images: -1 })).toThrow(RangeError);
    expect(() => creditsFor(media, { ...none, audioMilliseconds: 1.5 })).toThrow(RangeError);
  });
});

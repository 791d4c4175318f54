import { describe, expect, it } from 'vitest';
import { chooseModel, expectedCredits } from '../../lib/gateway/choose-model';

const model = (id: string, input: bigint, output: bigint, extra: Record<string, unknown> = {}) => ({
  id,
  available: true,
  capabilities: ['chat'],
  contextWindow: 128_000,
  maxOutputTokens: 16_000,
  creditsPer1k: { input, output },
  ...extra,
});

const catalog = [
  model('big', 37_500n, 150_000n),
  model('mini', 2_250n, 9_000n),
  model('keyless', 1n, 1n, { available: false }),
  model('tiny-context', 100n, 100n, { contextWindow: 1_000 }),
  model('embedder', 1n, 0n, { capabilities: ['embedding'] }),
];

describe('chooseModel', () => {
  it('takes the cheapest available model that fits the request', () => {
    expect(chooseModel(catalog)?.id).toBe('mini');
    expect(chooseModel(catalog, { inputTokens: 100, outputTokens: 100 })?.id).toBe('tiny-context');
  });

  it('prefers the best when asked, within a budget', () => {
    expect(chooseModel(catalog, { prefer: 'best' })?.id).toBe('big');
    const budget = expectedCredits(catalog[1]!, {});
    expect(chooseModel(catalog, { prefer: 'best', maxCredits: budget })?.id).toBe('mini');
  });

  it('filters by capability and returns null when nothing fits', () => {
    expect(chooseModel(catalog, { capability: 'embedding' })?.id).toBe('embedder');
    expect(chooseModel(catalog, { capability: 'audio' })).toBeNull();
    expect(chooseModel(catalog, { outputTokens: 50_000 })).toBeNull();
  });
});

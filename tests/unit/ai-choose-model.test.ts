import { describe, expect, it } from 'vitest';
import { chargedCredits, chooseModel, expectedCredits } from '../../lib/gateway/choose-model';

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

describe('chooseModel with the caller’s own provider keys', () => {
  const own = (id: string, input: bigint, output: bigint, extra: Record<string, unknown> = {}) =>
    model(id, input, output, { ownKey: true, ...extra });

  it('a model on an own key charges nothing and beats any model that charges credits', () => {
    const models = [model('mini', 2_250n, 9_000n), own('big-own', 37_500n, 150_000n)];
    expect(chooseModel(models)?.id).toBe('big-own');
    expect(chooseModel([model('mini', 2_250n, 9_000n), model('big', 37_500n, 150_000n)])?.id).toBe(
      'mini',
    );
  });

  it('among own-key models the lower list price wins (what the provider bills)', () => {
    const models = [own('dear-own', 37_500n, 150_000n), own('cheap-own', 2_250n, 9_000n)];
    expect(chooseModel(models)?.id).toBe('cheap-own');
  });

  it('an own key makes a model callable whose provider has no platform key', () => {
    expect(chooseModel([model('keyless', 1n, 1n, { available: false })])).toBeNull();
    const models = [
      model('mini', 2_250n, 9_000n),
      own('keyless-own', 37_500n, 150_000n, { available: false }),
    ];
    expect(chooseModel(models)?.id).toBe('keyless-own');
  });

  it('an own key does not lift the other needs: quality, capability, room', () => {
    const models = [
      own('own-simple', 1n, 1n, { quality: 1 }),
      own('own-embed', 1n, 1n, { capabilities: ['embedding'] }),
      own('own-small', 1n, 1n, { maxOutputTokens: 100 }),
      model('standard', 2_250n, 9_000n, { quality: 2 }),
    ];
    expect(chooseModel(models, { minQuality: 2 })?.id).toBe('standard');
    expect(chooseModel(models, { minQuality: 1 })?.id).toBe('own-simple');
    expect(chooseModel(models, { minQuality: 2, maxCredits: 0n })).toBeNull();
  });

  it('"best" ranks by list price whoever pays', () => {
    const models = [own('mini-own', 2_250n, 9_000n), model('big', 37_500n, 150_000n)];
    expect(chooseModel(models, { prefer: 'best' })?.id).toBe('big');
    expect(chargedCredits(models[0]!, {})).toBe(0n);
  });
});

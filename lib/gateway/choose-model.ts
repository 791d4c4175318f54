/**
 * Picks a model (what `model: "auto"` runs, over the models the caller may use) from the catalog for a task: available (its provider has a key), able to do
 * what is asked, with room for the request, then the cheapest by credits for the expected token
 * mix (or the priciest — a proxy for quality — when asked). Pure: pass listModels()' answer.
 */

interface ChoosableModel {
  id: string;
  available: boolean;
  capabilities: string[];
  contextWindow: number;
  maxOutputTokens: number;
  creditsPer1k: { input: bigint; output: bigint };
  /** The hardest task the model is fit for: 1 simple, 2 standard, 3 complex. */
  quality?: number;
}

interface ModelNeeds {
  capability?: string;
  inputTokens?: number;
  outputTokens?: number;
  prefer?: 'cheapest' | 'best';
  /** Skip models fit only for easier tasks than this (see ChoosableModel.quality). */
  minQuality?: number;
  /** Skip models whose expected cost (micro-credits) is above this. */
  maxCredits?: bigint;
}

export function expectedCredits(model: ChoosableModel, needs: ModelNeeds): bigint {
  const input = BigInt(needs.inputTokens ?? 1_000);
  const output = BigInt(needs.outputTokens ?? 500);
  return (input * model.creditsPer1k.input + output * model.creditsPer1k.output + 999n) / 1_000n;
}

export function chooseModel<M extends ChoosableModel>(
  models: M[],
  needs: ModelNeeds = {},
): M | null {
  const capability = needs.capability ?? 'chat';
  const input = needs.inputTokens ?? 1_000;
  const output = needs.outputTokens ?? 500;
  const fits = models.filter(
    (model) =>
      model.available &&
      model.capabilities.includes(capability) &&
      output <= model.maxOutputTokens &&
      input + output <= model.contextWindow &&
      (model.quality ?? 2) >= (needs.minQuality ?? 1) &&
      (needs.maxCredits === undefined || expectedCredits(model, needs) <= needs.maxCredits),
  );
  const direction = needs.prefer === 'best' ? -1 : 1;
  fits.sort((a, b) => {
    const ca = expectedCredits(a, needs);
    const cb = expectedCredits(b, needs);
    return ca === cb ? a.id.localeCompare(b.id) : ca < cb ? -direction : direction;
  });
  return fits[0] ?? null;
}

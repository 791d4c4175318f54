/**
 * Picks a model (what `model: "auto"` runs, over the models the caller may use) from the catalog
 * for a task: callable (its provider has a platform key, or the caller's own key), able to do
 * what is asked, with room for the request, then the cheapest by what the caller is charged for
 * the expected token mix (or the priciest list price — a proxy for quality — when asked). A model
 * the caller runs on its own provider key (BYOK) is charged no credits; among equal charges the
 * lower list price wins (on an own key, that is what the provider bills). Pure.
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
  /** The caller has its own key for the model's provider: the call is BYOK, charged no credits. */
  ownKey?: boolean;
}

interface ModelNeeds {
  capability?: string;
  inputTokens?: number;
  outputTokens?: number;
  prefer?: 'cheapest' | 'best';
  /** Skip models fit only for easier tasks than this (see ChoosableModel.quality). */
  minQuality?: number;
  /** Skip models whose expected charge (micro-credits) is above this. */
  maxCredits?: bigint;
}

/** The list price of the expected token mix in micro-credits (what a platform call charges). */
export function expectedCredits(model: ChoosableModel, needs: ModelNeeds): bigint {
  const input = BigInt(needs.inputTokens ?? 1_000);
  const output = BigInt(needs.outputTokens ?? 500);
  return (input * model.creditsPer1k.input + output * model.creditsPer1k.output + 999n) / 1_000n;
}

/** What the caller would be charged for the expected mix: nothing on its own key. */
export function chargedCredits(model: ChoosableModel, needs: ModelNeeds): bigint {
  return model.ownKey ? 0n : expectedCredits(model, needs);
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
      (model.available || model.ownKey === true) &&
      model.capabilities.includes(capability) &&
      output <= model.maxOutputTokens &&
      input + output <= model.contextWindow &&
      (model.quality ?? 2) >= (needs.minQuality ?? 1) &&
      (needs.maxCredits === undefined || chargedCredits(model, needs) <= needs.maxCredits),
  );
  const ascending = (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1);
  // "best" ranks by list price alone (the proxy for quality), whoever pays for the call.
  fits.sort((a, b) =>
    needs.prefer === 'best'
      ? ascending(expectedCredits(b, needs), expectedCredits(a, needs)) || a.id.localeCompare(b.id)
      : ascending(chargedCredits(a, needs), chargedCredits(b, needs)) ||
        ascending(expectedCredits(a, needs), expectedCredits(b, needs)) ||
        a.id.localeCompare(b.id),
  );
  return fits[0] ?? null;
}

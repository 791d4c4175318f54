/** The pickers' view of the catalog: plain strings, safe to pass to the client. */

export interface ModelOption {
  id: string;
  displayName: string;
  provider: string;
  available: boolean;
  /** Micro-credits per 1K input / output tokens, as decimal strings. */
  inputPer1k: string;
  outputPer1k: string;
}

/** A catalog entry as lib/gateway lists it (amounts as bigint) or the API sends it (as strings). */
interface CatalogEntry {
  id: string;
  displayName: string;
  provider: string;
  available: boolean;
  capabilities: string[];
  creditsPer1k: { input: bigint | string; output: bigint | string };
}

/** The models of a list that can do `capability`, as picker options. */
export function modelOptionsOf(catalog: CatalogEntry[], capability: string): ModelOption[] {
  return catalog
    .filter((model) => model.capabilities.includes(capability))
    .map((model) => ({
      id: model.id,
      displayName: model.displayName,
      provider: model.provider,
      available: model.available,
      inputPer1k: model.creditsPer1k.input.toString(),
      outputPer1k: model.creditsPer1k.output.toString(),
    }));
}

const isText = (value: unknown): value is string => typeof value === 'string';

/** One entry of GET /api/ai/models, checked by hand (no schema library ships with the pickers). */
function catalogEntryOf(value: unknown): CatalogEntry {
  const entry = value as Partial<Record<keyof CatalogEntry, unknown>> | null;
  const prices = entry?.creditsPer1k as { input?: unknown; output?: unknown } | undefined;
  if (
    !entry ||
    !isText(entry.id) ||
    !isText(entry.displayName) ||
    !isText(entry.provider) ||
    typeof entry.available !== 'boolean' ||
    !Array.isArray(entry.capabilities) ||
    !entry.capabilities.every(isText) ||
    !isText(prices?.input) ||
    !isText(prices.output)
  ) {
    throw new Error('The model list came back in a shape this page does not know.');
  }
  return entry as CatalogEntry;
}

/** The pickers' list for one wallet: what the caller may use there ('' = personal, else an org). */
export function modelListOf(answer: unknown): CatalogEntry[] {
  const models = (answer as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) {
    throw new Error('The model list came back in a shape this page does not know.');
  }
  return models.map(catalogEntryOf);
}

/**
 * The model to show and send: the one chosen when the wallet's list allows it (or an auto
 * choice), else the list's first usable model, else auto.
 */
export function modelInList(models: ModelOption[], chosen: string): string {
  if (chosen.startsWith('auto')) return chosen;
  if (models.some((model) => model.id === chosen && model.available)) return chosen;
  return models.find((model) => model.available)?.id ?? 'auto';
}

/** A problem+json body the chat API answered with (the transport puts it in error.message). */
export interface ChatProblem {
  code: string;
  detail?: string;
  needed?: string;
  available?: string;
  [extension: string]: unknown;
}

const OPTIONAL_TEXT = ['detail', 'needed', 'available'] as const;

/**
 * The problem in a failed chat turn, or null when the error is not one. Checked by hand: this
 * module ships with the assistant page, which loads no schema library up front.
 */
export function problemOf(error: Error | undefined): ChatProblem | null {
  if (!error) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(error.message);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const problem = parsed as Record<string, unknown>;
  if (typeof problem.code !== 'string') return null;
  for (const key of OPTIONAL_TEXT) {
    if (problem[key] !== undefined && typeof problem[key] !== 'string') return null;
  }
  return problem as ChatProblem;
}

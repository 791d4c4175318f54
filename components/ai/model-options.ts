import { z } from 'zod';

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

/** The pickers' list for one wallet: what the caller may use there ('' = personal, else an org). */
export const modelListAnswer = z.object({
  models: z.array(
    z.object({
      id: z.string(),
      displayName: z.string(),
      provider: z.string(),
      available: z.boolean(),
      capabilities: z.array(z.string()),
      creditsPer1k: z.object({ input: z.string(), output: z.string() }),
    }),
  ),
});

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
const chatProblem = z.looseObject({
  code: z.string(),
  detail: z.string().optional(),
  needed: z.string().optional(),
  available: z.string().optional(),
});
export type ChatProblem = z.infer<typeof chatProblem>;

export function problemOf(error: Error | undefined): ChatProblem | null {
  if (!error) return null;
  try {
    const parsed = chatProblem.safeParse(JSON.parse(error.message));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

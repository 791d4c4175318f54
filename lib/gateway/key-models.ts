import 'server-only';
import { z } from 'zod';
import type { DbSession } from '@/lib/db';
import { listModels } from './catalog';

/** OpenAI's model list, narrowed to what a key may call: its scopes, on a configured provider. */

export const modelList = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      id: z.string(),
      object: z.literal('model'),
      created: z.number().int(),
      owned_by: z.string(),
      capabilities: z.array(z.string()),
      context_window: z.number().int(),
      max_output_tokens: z.number().int(),
      credits_per_1k: z.object({ input: z.string(), cached_input: z.string(), output: z.string() }),
    }),
  ),
});
export type ModelList = z.infer<typeof modelList>;

const CAPABILITY_SCOPES: Record<string, string> = {
  chat: 'ai:chat',
  completion: 'ai:chat',
  embedding: 'ai:embeddings',
};

export async function listKeyModels(session: DbSession, scopes: string[]): Promise<ModelList> {
  const models = await listModels(session);
  return {
    object: 'list',
    data: models
      .filter(
        (model) =>
          model.available &&
          model.capabilities.some((capability) => {
            const scope = CAPABILITY_SCOPES[capability];
            return scope !== undefined && scopes.includes(scope);
          }),
      )
      .map((model) => ({
        id: model.id,
        object: 'model' as const,
        created: Math.floor(model.priceEffectiveFrom.getTime() / 1000),
        owned_by: model.provider,
        capabilities: model.capabilities,
        context_window: model.contextWindow,
        max_output_tokens: model.maxOutputTokens,
        credits_per_1k: {
          input: model.creditsPer1k.input.toString(),
          cached_input: model.creditsPer1k.cachedInput.toString(),
          output: model.creditsPer1k.output.toString(),
        },
      })),
  };
}

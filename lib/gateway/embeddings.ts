import 'server-only';
import { z } from 'zod';
import { AppError, parseInput } from '@/lib/core';
import type { DbSession } from '@/lib/db';
import type { ModelChoice } from './routing';
import { openMeteredCall, type CallOutcome } from './metered-call';
import { embeddingModelFor } from './providers';
import { countTokens } from './tokenizer';

/** Metered embeddings: hold for the counted input (+ margin), charge the reported tokens. */

export const embedInput = z.object({
  model: z.string().trim().min(1).max(64),
  values: z.array(z.string().min(1).max(30_000)).min(1).max(256),
  orgId: z.uuid().nullish(),
  feature: z.string().trim().min(1).max(100).default('embeddings'),
});
type EmbedInput = z.input<typeof embedInput>;

export async function embedMetered(
  session: DbSession,
  input: EmbedInput,
  clientSignal?: AbortSignal,
): Promise<{
  embeddings: number[][];
  outcome: CallOutcome;
  model: string;
  modelChoice: ModelChoice;
}> {
  const args = parseInput(embedInput, input);
  const call = await openMeteredCall(
    session,
    {
      model: args.model,
      orgId: args.orgId,
      feature: args.feature,
      operation: 'embedding',
      capability: 'embedding',
      inputTokens: () => {
        const counted = args.values.reduce((sum, value) => sum + countTokens(value), 0);
        return counted + Math.ceil(counted / 4) + 8 * args.values.length;
      },
      countInput: () => args.values.reduce((sum, value) => sum + countTokens(value), 0),
      inputBytes: args.values.reduce((sum, value) => sum + Buffer.byteLength(value, 'utf8'), 0),
      maxOutputTokens: 0,
      timeoutMs: 60_000,
    },
    [],
    clientSignal,
  );
  try {
    const model = embeddingModelFor(call.context, call.apiKey ?? undefined);
    const result = await model.doEmbed({ values: args.values, abortSignal: call.signal });
    call.meter.output();
    const tokens = result.usage?.tokens;
    if (tokens !== undefined && Number.isSafeInteger(tokens)) {
      call.meter.usage({
        inputTokens: { total: tokens, noCache: tokens, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: 0, text: 0, reasoning: 0 },
      });
    }
    await call.meter.end();
    return {
      embeddings: result.embeddings,
      outcome: await call.settled,
      model: call.context.modelId,
      modelChoice: call.choice,
    };
  } catch (error) {
    await call.meter.end(error);
    const outcome = await call.settled.catch(() => null);
    throw new AppError('unavailable', 'The embedding provider failed; the hold was released.', {
      callId: call.callId,
      creditsUsed: outcome?.creditsUsed.toString() ?? null,
    });
  }
}

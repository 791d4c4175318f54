import { z } from 'zod';
import { route } from '@/lib/api';
import { complexityInput, generateChat, generateChatCached } from '@/lib/gateway';

export const runtime = 'nodejs';

const body = z.object({
  /** A model id, or "auto" (the cheapest you may use that fits `complexity`). */
  model: z.string().trim().min(1).max(64),
  complexity: complexityInput,
  prompt: z.string().min(1).max(100_000),
  system: z.string().max(20_000).optional(),
  orgId: z.uuid().nullish(),
  maxOutputTokens: z.number().int().min(1).max(100_000).optional(),
  /** Answer an identical earlier request from the cache (scoped to you; free by default). */
  cache: z.boolean().default(false),
});

/** One metered completion (no streaming): the text, its usage, credits used and the balance. */
export const POST = route({ body }, async ({ session, body, request }) => {
  const generate = body.cache ? generateChatCached : generateChat;
  const { text, outcome, model, choice } = await generate(
    session,
    {
      model: body.model,
      complexity: body.complexity,
      orgId: body.orgId,
      operation: 'completion',
      feature: 'completions',
      maxOutputTokens: body.maxOutputTokens,
      prompt: [
        ...(body.system ? [{ role: 'system' as const, content: body.system }] : []),
        { role: 'user' as const, content: body.prompt },
      ],
    },
    request.signal,
  );
  return {
    model,
    modelChoice: choice,
    callId: outcome.callId,
    text,
    status: outcome.status,
    usage: outcome.usage,
    creditsUsed: outcome.creditsUsed,
    balance: outcome.available,
  };
});

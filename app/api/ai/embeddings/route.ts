import { route } from '@/lib/api';
import { embedInput, embedMetered } from '@/lib/gateway';

export const runtime = 'nodejs';

/** Metered embeddings of up to 256 texts: vectors, tokens, credits used and the new balance. */
export const POST = route({ body: embedInput }, async ({ session, body, request }) => {
  const { embeddings, outcome, model, modelChoice } = await embedMetered(
    session,
    body,
    request.signal,
  );
  return {
    model,
    modelChoice,
    embeddings,
    status: outcome.status,
    usage: { inputTokens: outcome.usage?.inputTokens ?? 0 },
    creditsUsed: outcome.creditsUsed,
    balance: outcome.available,
  };
});

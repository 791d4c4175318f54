import { keyRoute } from '@/lib/api';
import { createEmbeddings, embeddingRequest } from '@/lib/gateway';

export const runtime = 'nodejs';

/** OpenAI's embeddings, metered on the key's wallet. */
export const POST = keyRoute(
  { scope: 'ai:embeddings', body: embeddingRequest },
  async ({ key, body, request }) =>
    createEmbeddings({ session: key.session, subject: key.subject, body, signal: request.signal }),
);

import { keyRoute } from '@/lib/api';
import { listKeyModels } from '@/lib/gateway';

export const runtime = 'nodejs';

/** The models this key may call (by its scopes), with their prices in micro-credits per 1K tokens. */
export const GET = keyRoute({ scope: ['ai:chat', 'ai:embeddings'] }, async ({ key }) =>
  listKeyModels(key.session, key.scopes),
);

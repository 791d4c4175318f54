import { z } from 'zod';
import { route } from '@/lib/api';
import { revokeApiKey } from '@/lib/api-keys';

export const runtime = 'nodejs';

/** Revokes the key at once, its previous secret too. Revoking again changes nothing. */
export const POST = route({ params: z.object({ id: z.uuid() }) }, async ({ session, params }) => ({
  key: await revokeApiKey(session, params.id),
}));

import { z } from 'zod';
import { route } from '@/lib/api';
import { BYOK_PROVIDERS, deleteProviderKey } from '@/lib/gateway';

export const runtime = 'nodejs';

/** Removes the caller's (or, for org admins, the org's) key for a provider. */
export const DELETE = route(
  {
    params: z.object({ provider: z.enum(BYOK_PROVIDERS) }),
    query: z.object({ orgId: z.uuid().optional() }),
  },
  async ({ session, params, query }) => ({
    deleted: await deleteProviderKey(session, params.provider, query.orgId),
  }),
);

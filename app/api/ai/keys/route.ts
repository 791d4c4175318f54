import { z } from 'zod';
import { route } from '@/lib/api';
import { listProviderKeys, saveKeyInput, saveProviderKey } from '@/lib/gateway';

export const runtime = 'nodejs';

const scope = z.object({ orgId: z.uuid().optional() });

/** The caller's (or an org's) stored provider keys: provider and hint, never the key. */
export const GET = route({ query: scope }, async ({ session, query }) => ({
  keys: await listProviderKeys(session, query.orgId),
}));

/** Stores a provider key, encrypted; the answer names the hint only. */
export const POST = route({ body: saveKeyInput }, async ({ session, body }) =>
  saveProviderKey(session, body),
);

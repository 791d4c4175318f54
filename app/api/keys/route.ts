import { z } from 'zod';
import { route, jsonWithStatus } from '@/lib/api';
import { createApiKey, createApiKeyInput, listApiKeys } from '@/lib/api-keys';

export const runtime = 'nodejs';

/** The caller's API keys, or an org's (?orgId=) when they own or administer it; never secrets. */
export const GET = route(
  { query: z.object({ orgId: z.uuid().optional() }) },
  async ({ session, query }) => ({ keys: await listApiKeys(session, query.orgId) }),
);

/** Creates a key. The answer holds its secret: the only time it is shown. */
export const POST = route(
  { body: createApiKeyInput, replayWithout: ['secret'] },
  async ({ session, body }) => jsonWithStatus(await createApiKey(session, body), 201),
);

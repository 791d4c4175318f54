import { z } from 'zod';
import { route } from '@/lib/api';
import { updateApiKey, updateApiKeyInput } from '@/lib/api-keys';

export const runtime = 'nodejs';

/** Changes a key's name, scopes, limits, expiry or IP allowlist (null clears a limit). */
export const PATCH = route(
  { params: z.object({ id: z.uuid() }), body: updateApiKeyInput },
  async ({ session, params, body }) => ({ key: await updateApiKey(session, params.id, body) }),
);

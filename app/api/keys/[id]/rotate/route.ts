import { z } from 'zod';
import { route } from '@/lib/api';
import { rotateApiKey, rotateApiKeyInput } from '@/lib/api-keys';

export const runtime = 'nodejs';

/** A new secret, shown once; the old one keeps working for `graceSeconds` (0 to 7 days). */
export const POST = route(
  { params: z.object({ id: z.uuid() }), body: rotateApiKeyInput, replayWithout: ['secret'] },
  async ({ session, params, body }) => rotateApiKey(session, params.id, body),
);

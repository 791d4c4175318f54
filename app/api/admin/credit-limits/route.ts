import { z } from 'zod';
import { route } from '@/lib/api';
import { setCreditLimit } from '@/lib/admin';

export const runtime = 'nodejs';

// An object; lib/admin validates its fields (and answers 403 to anyone but a platform admin first).
const adminChange = z.record(z.string(), z.unknown());

/**
 * Platform admins set a pay-as-you-go credit limit, in credits, with a required reason: for one
 * wallet `{target (email or org slug), limit, reason}` (it wins over the plan's), or for a plan
 * `{planId, limit, reason}`. A null or empty limit clears it. Audited; 403 for anyone else.
 */
export const PUT = route({ body: adminChange }, async ({ session, body }) =>
  setCreditLimit(session, body),
);

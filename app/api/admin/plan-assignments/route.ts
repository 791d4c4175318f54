import { z } from 'zod';
import { route } from '@/lib/api';
import { setSubjectPlan } from '@/lib/admin';

export const runtime = 'nodejs';

// An object; lib/admin validates its fields (and answers 403 to anyone but a platform admin first).
const adminChange = z.record(z.string(), z.unknown());

/**
 * Platform admins move a user (by email) or an org (by slug) to a plan, with a required reason:
 * `{target, planId, reason}`. An upgrade applies at once, a downgrade at the period's end; the
 * change is recorded in the admin audit log. 403 for anyone else, 422 without a reason.
 */
export const POST = route({ body: adminChange }, async ({ session, body }) =>
  setSubjectPlan(session, body),
);

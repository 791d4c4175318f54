import { z } from 'zod';
import { route } from '@/lib/api';
import { changeMemberRole, removeMember, setMemberLimit } from '@/lib/orgs';
import { ORG_ROLES } from '@/lib/orgs/schemas';

export const runtime = 'nodejs';

const params = z.object({ orgId: z.uuid(), userId: z.uuid() });
const body = z
  .object({
    role: z.enum(ORG_ROLES).optional(),
    /** Micro-credits per calendar month (UTC); null removes the limit. */
    monthlyLimit: z.union([z.string().regex(/^\d{1,16}$/), z.null()]).optional(),
  })
  .strict()
  .refine((value) => value.role !== undefined || value.monthlyLimit !== undefined, {
    message: 'send a role or a monthlyLimit',
  });

/** Changes a member's role and/or monthly limit (owners and admins; rules enforced in SQL). */
export const PATCH = route({ params, body }, async ({ session, params, body }) => {
  if (body.role) await changeMemberRole(session, params.orgId, params.userId, { role: body.role });
  if (body.monthlyLimit !== undefined) {
    await setMemberLimit(session, params.orgId, params.userId, {
      monthlyLimit: body.monthlyLimit,
    });
  }
  return { ok: true };
});

/** Removes a member (admins never remove an owner; the last owner stays). */
export const DELETE = route({ params }, async ({ session, params }) => {
  await removeMember(session, params.orgId, params.userId);
  return { ok: true };
});

import { z } from 'zod';
import { route } from '@/lib/api';
import { leaveOrganization } from '@/lib/orgs';

export const runtime = 'nodejs';

const params = z.object({ orgId: z.uuid() });

/** Leaves the organization (the last owner must make someone else owner first). */
export const POST = route({ params }, async ({ session, params }) => {
  await leaveOrganization(session, params.orgId);
  return { ok: true };
});

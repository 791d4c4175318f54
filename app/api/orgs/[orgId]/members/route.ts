import { z } from 'zod';
import { route } from '@/lib/api';
import { listMembers } from '@/lib/orgs';

export const runtime = 'nodejs';

const params = z.object({ orgId: z.uuid() });

/** Members with role, monthly limit and usage (limits and usage: admins, or your own row). */
export const GET = route({ params }, async ({ session, params }) => ({
  items: await listMembers(session, params.orgId),
}));

import { z } from 'zod';
import { route } from '@/lib/api';
import { getOrgUsageByMember, memberUsageQuery } from '@/lib/orgs';

export const runtime = 'nodejs';

const params = z.object({ orgId: z.uuid() });

/** Credits each member spent from the org wallet (default: the last 30 days). Admins only. */
export const GET = route(
  { params, query: memberUsageQuery },
  async ({ session, params, query }) => ({
    items: await getOrgUsageByMember(session, params.orgId, {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
    }),
  }),
);

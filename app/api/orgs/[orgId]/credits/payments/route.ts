import { z } from 'zod';
import { route } from '@/lib/api';
import { requireOrgManager } from '@/lib/orgs';
import { listPayments, paymentsQuery } from '@/lib/stripe';

export const runtime = 'nodejs';

const params = z.object({ orgId: z.uuid() });

/** The org's purchases with receipts: owners and admins (403 for members). */
export const GET = route({ params, query: paymentsQuery }, async ({ session, params, query }) => {
  const org = await requireOrgManager(session, params.orgId);
  return { items: await listPayments(session, org.walletId, query) };
});

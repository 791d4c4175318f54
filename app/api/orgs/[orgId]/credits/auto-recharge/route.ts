import { z } from 'zod';
import { route } from '@/lib/api';
import { requireOrgManager } from '@/lib/orgs';
import { autoRechargeBody, configureAutoRecharge, getAutoRecharge } from '@/lib/stripe';

export const runtime = 'nodejs';

const params = z.object({ orgId: z.uuid() });

/** Auto-recharge of the org wallet: owners and admins. */
export const GET = route({ params }, async ({ session, params }) =>
  getAutoRecharge(session, (await requireOrgManager(session, params.orgId)).walletId),
);

export const PUT = route({ params, body: autoRechargeBody }, async ({ session, params, body }) =>
  configureAutoRecharge(session, (await requireOrgManager(session, params.orgId)).walletId, {
    enabled: body.enabled,
    threshold: body.threshold.toString(),
    packageId: body.packageId,
  }),
);

import { route } from '@/lib/api';
import { changePlanBody, changeSubscriptionPlan } from '@/lib/stripe';

export const runtime = 'nodejs';

/**
 * Changes the plan of your subscription, or of an org's you own or administer: an upgrade at
 * once with proration, a downgrade at the period end, the current plan to call off a scheduled
 * change. With `preview: true` it answers the amount due now and the next invoice, changing nothing.
 */
export const POST = route({ body: changePlanBody }, async ({ session, body }) =>
  changeSubscriptionPlan(session, {
    wallet: body.orgId ? { type: 'org', orgId: body.orgId } : { type: 'personal' },
    planId: body.planId,
    interval: body.interval,
    preview: body.preview,
    prorationDate: body.prorationDate,
  }),
);

import { route } from '@/lib/api';
import { setSubscriptionCancellation, walletBody } from '@/lib/stripe';

export const runtime = 'nodejs';

/**
 * Cancels your subscription (or an org's you own or administer) at the end of the period;
 * the plan works until then. A scheduled plan change is called off.
 */
export const POST = route({ body: walletBody }, async ({ session, body }) =>
  setSubscriptionCancellation(
    session,
    body.orgId ? { type: 'org', orgId: body.orgId } : { type: 'personal' },
    true,
  ),
);

import { route } from '@/lib/api';
import { setSubscriptionCancellation, walletBody } from '@/lib/stripe';

export const runtime = 'nodejs';

/**
 * Resumes a subscription scheduled to cancel at the period end (yours, or an org's you own
 * or administer); a scheduled plan change is called off too.
 */
export const POST = route({ body: walletBody }, async ({ session, body }) =>
  setSubscriptionCancellation(
    session,
    body.orgId ? { type: 'org', orgId: body.orgId } : { type: 'personal' },
    false,
  ),
);

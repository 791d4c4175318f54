import { route } from '@/lib/api';
import { startSubscription, subscribeBody } from '@/lib/stripe';

export const runtime = 'nodejs';

/**
 * Subscribes your personal wallet, or an org's you own or administer, to a plan: returns the
 * Checkout URL (Stripe's, or the local test checkout's) to send the browser to.
 */
export const POST = route({ body: subscribeBody }, async ({ session, body }) =>
  startSubscription(session, {
    wallet: body.orgId ? { type: 'org', orgId: body.orgId } : { type: 'personal' },
    planId: body.planId,
    interval: body.interval,
  }),
);

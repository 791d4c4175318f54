import { route } from '@/lib/api';
import { purchaseBody, startCheckout } from '@/lib/stripe';

export const runtime = 'nodejs';

/**
 * Buys a credit package for your personal wallet: returns the Checkout URL to redirect to. An
 * Idempotency-Key header makes a retry return the same checkout instead of a second one.
 */
export const POST = route({ body: purchaseBody }, async ({ session, body, idempotencyKey }) =>
  startCheckout(session, {
    wallet: { type: 'personal' },
    packageId: body.packageId,
    attemptKey: idempotencyKey,
  }),
);

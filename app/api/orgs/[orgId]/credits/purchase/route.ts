import { z } from 'zod';
import { route } from '@/lib/api';
import { purchaseBody, startCheckout } from '@/lib/stripe';

export const runtime = 'nodejs';

const params = z.object({ orgId: z.uuid() });

/** Buys a credit package for the org wallet: owners and admins only (403 for members). */
export const POST = route(
  { params, body: purchaseBody },
  async ({ session, params, body, idempotencyKey }) =>
    startCheckout(session, {
      wallet: { type: 'org', orgId: params.orgId },
      packageId: body.packageId,
      attemptKey: idempotencyKey,
    }),
);

import { route } from '@/lib/api';
import { resolveWallet } from '@/lib/credits';
import { autoRechargeBody, configureAutoRecharge, getAutoRecharge } from '@/lib/stripe';

export const runtime = 'nodejs';

/** Auto-recharge of your personal wallet. */
export const GET = route({}, async ({ session }) =>
  getAutoRecharge(session, await resolveWallet(session, { type: 'personal' })),
);

/** Turns it on or off: { enabled, threshold (micro-credits), packageId }. */
export const PUT = route({ body: autoRechargeBody }, async ({ session, body }) =>
  configureAutoRecharge(session, await resolveWallet(session, { type: 'personal' }), {
    enabled: body.enabled,
    threshold: body.threshold.toString(),
    packageId: body.packageId,
  }),
);

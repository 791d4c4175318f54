import { z } from 'zod';
import { route } from '@/lib/api';
import { packageInput, savePackage } from '@/lib/stripe';

export const runtime = 'nodejs';

const params = z.object({ packageId: z.uuid() });

/** Replaces a package's fields (platform admins). A new price clears its Stripe price id. */
export const PUT = route({ params, body: packageInput }, async ({ session, params, body }) => ({
  id: await savePackage(session, params.packageId, {
    ...body,
    credits: body.credits.toString(),
    bonusCredits: body.bonusCredits.toString(),
  }),
}));

import { route } from '@/lib/api';
import { listPackages, packageInput, savePackage } from '@/lib/stripe';

export const runtime = 'nodejs';

/** Every package, inactive ones included (platform admins; RLS hides them from others). */
export const GET = route({}, async ({ session }) => ({
  items: await listPackages(session, { includeInactive: true }),
}));

/** Creates a package (platform admins, checked in SQL). Run `npm run stripe:sync` afterwards. */
export const POST = route({ body: packageInput }, async ({ session, body }) => ({
  id: await savePackage(session, null, {
    ...body,
    credits: body.credits.toString(),
    bonusCredits: body.bonusCredits.toString(),
  }),
}));

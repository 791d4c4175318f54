import { route } from '@/lib/api';
import { listPackages } from '@/lib/stripe';

export const runtime = 'nodejs';

/** The credit packages on sale, in display order. */
export const GET = route({}, async ({ session }) => ({ items: await listPackages(session) }));

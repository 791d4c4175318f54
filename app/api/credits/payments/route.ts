import { route } from '@/lib/api';
import { resolveWallet } from '@/lib/credits';
import { listPayments, paymentsQuery } from '@/lib/stripe';

export const runtime = 'nodejs';

/** Your purchases, newest first, with Stripe receipt links. */
export const GET = route({ query: paymentsQuery }, async ({ session, query }) => ({
  items: await listPayments(session, await resolveWallet(session, { type: 'personal' }), query),
}));

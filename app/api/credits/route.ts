import { route } from '@/lib/api';
import { getWalletSummary, resolveWallet } from '@/lib/credits';

export const runtime = 'nodejs';

/** The caller's personal wallet: available, pending holds, credits expiring soon. */
export const GET = route({}, async ({ session }) =>
  getWalletSummary(session, await resolveWallet(session, { type: 'personal' })),
);

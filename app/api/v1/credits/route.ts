import { keyRoute } from '@/lib/api';
import { getWalletSummary } from '@/lib/credits';

export const runtime = 'nodejs';

/** The wallet the key spends from, in micro-credits (decimal strings). */
export const GET = keyRoute({ scope: 'credits:read' }, async ({ key }) => {
  const wallet = await getWalletSummary(key.session, key.walletId);
  return {
    object: 'credits',
    wallet: key.subject.kind,
    available: wallet.available,
    pending: wallet.pending,
    balance: wallet.balance,
  };
});

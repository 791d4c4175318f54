import type { z } from 'zod';
import { keyRoute, type creditsAnswer } from '@/lib/api';
import { getWalletSummary } from '@/lib/credits';

export const runtime = 'nodejs';

/** The wallet the key spends from, in micro-credits (decimal strings). */
export const GET = keyRoute({ scope: 'credits:read' }, async ({ key }) => {
  const wallet = await getWalletSummary(key.session, key.walletId);
  const answer: z.infer<typeof creditsAnswer> = {
    object: 'credits',
    wallet: key.subject.kind,
    available: wallet.available.toString(),
    pending: wallet.pending.toString(),
    balance: wallet.balance.toString(),
  };
  return answer;
});

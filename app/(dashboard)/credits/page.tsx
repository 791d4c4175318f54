import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import {
  getCreditLine,
  getPeriodGrantProgress,
  getUsageByCategory,
  getWalletSummary,
  listLiveLots,
  listTransactions,
  resolveWallet,
} from '@/lib/credits';
import { DEFAULT_USAGE_PERIOD, HISTORY_PAGE_SIZE } from '@/components/credits/credits-config';
import { PurchasePanel } from '@/components/billing/purchase-panel';
import { CreditLineCard } from '@/components/credits/credit-line-card';
import { LotsCard } from '@/components/credits/lots-card';
import { CreditsClient } from './credits-client';

export const metadata: Metadata = { title: 'Credits' };

/** The viewer's personal wallet: balance, usage and history, first data rendered here. */
export default async function CreditsPage({
  searchParams,
}: {
  searchParams: Promise<{ checkout?: string; tab?: string }>;
}) {
  const { checkout, tab } = await searchParams;
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const { session } = viewer;
  const walletId = await resolveWallet(session, { type: 'personal' });
  const [summary, grant, usage, history, creditLine, lots] = await Promise.all([
    getWalletSummary(session, walletId),
    getPeriodGrantProgress(session, { type: 'personal' }),
    getUsageByCategory(session, walletId, DEFAULT_USAGE_PERIOD),
    listTransactions(session, walletId, { limit: HISTORY_PAGE_SIZE }),
    getCreditLine(session, walletId),
    listLiveLots(session, walletId),
  ]);

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Credits</h1>
        <p className="text-muted-foreground text-sm">
          Your personal wallet: what you can spend, where it went, and every movement.
        </p>
      </div>
      <CreditsClient
        scope={{ type: 'personal' }}
        balanceTitle="Your credits"
        initial={{ summary, grant, usage, history }}
        afterBalance={
          <>
            {creditLine ? <CreditLineCard line={creditLine} available={summary.available} /> : null}
            <LotsCard lots={lots} />
          </>
        }
        purchase={<PurchasePanel session={session} scope={{ type: 'personal' }} />}
        initialTab={
          checkout || tab === 'purchase' ? 'purchase' : tab === 'history' ? 'history' : 'usage'
        }
      />
    </div>
  );
}

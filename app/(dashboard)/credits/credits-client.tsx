'use client';

import { useEffect, useState, type ReactNode } from 'react';
import dynamic from 'next/dynamic';
import { useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { ChartColumn, CreditCard, ReceiptText } from 'lucide-react';
import { preloadPurchase } from '@/components/billing/purchase-islands';
import { Skeleton } from '@/components/ui/skeleton';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { BalanceCard } from '@/components/credits/balance-card';
import type { WalletScope } from '@/components/credits/credits-config';
import { LimitWarning } from '@/components/credits/limit-warning';
import {
  creditsKeys,
  type PeriodGrantProgress,
  type TransactionPage,
  type UsageReport,
  type WalletSummary,
} from '@/components/credits/queries';
import { UsagePanel } from '@/components/credits/usage-panel';

type Tab = 'usage' | 'history' | 'purchase';

// The History tab (table, filters, export) loads when first opened, not with the page.
const HistoryPanel = dynamic(
  () => import('@/components/credits/history-panel').then((module) => module.HistoryPanel),
  { loading: () => <Skeleton className="h-96 w-full" /> },
);

interface CreditsClientProps {
  scope: WalletScope;
  balanceTitle: string;
  /** First data rendered on the server; react-query keeps it live from here on. */
  initial: {
    summary: WalletSummary;
    grant: PeriodGrantProgress;
    usage: UsageReport;
    history: TransactionPage;
  };
  /** The Purchase tab's content (a server component), for those who may buy; absent otherwise. */
  purchase?: ReactNode;
  /** Which tab opens first (Purchase after returning from checkout). */
  initialTab?: Tab;
  /** Org owners and admins: usage by member. */
  showMembers?: boolean;
  /** Shown under the balance (a server component): the pay-as-you-go credit line. */
  afterBalance?: ReactNode;
}

/**
 * The interactive half of a wallet's credits page: limit warnings, the live balance, then Usage,
 * History and (for those who may buy) Purchase tabs.
 * Shared by /credits (personal wallet) and /organizations/[orgSlug]/credits (org wallet).
 */
export function CreditsClient({
  scope,
  balanceTitle,
  initial,
  purchase,
  initialTab = 'usage',
  showMembers = false,
  afterBalance,
}: CreditsClientProps) {
  const [tab, setTab] = useState<Tab>(
    purchase ? initialTab : initialTab === 'purchase' ? 'usage' : initialTab,
  );
  const queryClient = useQueryClient();
  const canBuy = Boolean(purchase);
  // The Purchase tab's forms load after the page (components/billing/purchase-islands): fetch
  // them once the page is idle, so opening the tab later finds them here.
  useEffect(() => {
    if (!canBuy) return;
    if (typeof window.requestIdleCallback !== 'function') {
      const timer = window.setTimeout(preloadPurchase, 200);
      return () => window.clearTimeout(timer);
    }
    const idle = window.requestIdleCallback(preloadPurchase, { timeout: 2000 });
    return () => window.cancelIdleCallback(idle);
  }, [canBuy]);
  // The History tab's first page sits in the cache from the start, not only once the tab opens,
  // so money that moves before then (a refund, a grant) marks it stale and opening it refetches.
  useEffect(() => {
    queryClient.setQueryData<InfiniteData<TransactionPage, string | null>>(
      creditsKeys.history(scope, {}),
      (cached) => cached ?? { pages: [initial.history], pageParams: [null] },
    );
  }, [queryClient, scope, initial.history]);

  function openPurchase() {
    setTab('purchase');
    // Bring the packages into view; the tab itself takes focus so keyboard users land there.
    requestAnimationFrame(() => {
      const trigger = document.querySelector<HTMLElement>('[data-credits-tab="purchase"]');
      trigger?.focus();
      trigger?.scrollIntoView({ block: 'start', behavior: 'smooth' });
    });
  }

  return (
    <div className="flex flex-col gap-6">
      <LimitWarning
        scope={scope}
        initialSummary={initial.summary}
        initialGrant={initial.grant}
        canBuy={Boolean(purchase)}
        onBuy={purchase ? openPurchase : undefined}
      />
      <BalanceCard
        scope={scope}
        initialSummary={initial.summary}
        initialGrant={initial.grant}
        title={balanceTitle}
      />
      {afterBalance}
      <Tabs value={tab} onValueChange={(value) => setTab(value as Tab)} className="min-w-0">
        <TabsList aria-label="Credits views">
          <TabsTrigger value="usage">
            <ChartColumn aria-hidden="true" className="size-4" />
            Usage
          </TabsTrigger>
          <TabsTrigger value="history">
            <ReceiptText aria-hidden="true" className="size-4" />
            History
          </TabsTrigger>
          {purchase ? (
            <TabsTrigger value="purchase" data-credits-tab="purchase">
              <CreditCard aria-hidden="true" className="size-4" />
              Purchase
            </TabsTrigger>
          ) : null}
        </TabsList>
        <TabsContent value="usage">
          <UsagePanel scope={scope} initialReport={initial.usage} showMembers={showMembers} />
        </TabsContent>
        <TabsContent value="history">
          <HistoryPanel scope={scope} initialPage={initial.history} />
        </TabsContent>
        {purchase ? <TabsContent value="purchase">{purchase}</TabsContent> : null}
      </Tabs>
    </div>
  );
}

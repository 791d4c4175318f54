'use client';

import type { ReactNode } from 'react';
import { ChartColumn, CreditCard, ReceiptText } from 'lucide-react';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { BalanceCard } from '@/components/credits/balance-card';
import type { WalletScope } from '@/components/credits/credits-config';
import { HistoryPanel } from '@/components/credits/history-panel';
import type { TransactionPage, UsageReport, WalletSummary } from '@/components/credits/queries';
import { UsagePanel } from '@/components/credits/usage-panel';

export interface CreditsClientProps {
  scope: WalletScope;
  balanceTitle: string;
  /** First data rendered on the server; react-query keeps it live from here on. */
  initial: { summary: WalletSummary; usage: UsageReport; history: TransactionPage };
  /** The Purchase tab's content (a server component), for those who may buy; absent otherwise. */
  purchase?: ReactNode;
  /** Which tab opens first (Purchase after returning from checkout). */
  initialTab?: 'usage' | 'history' | 'purchase';
}

/**
 * The interactive half of a wallet's credits page: the live balance, then Usage, History and (for
 * those who may buy) Purchase tabs.
 * Shared by /credits (personal wallet) and /organizations/[orgSlug]/credits (org wallet).
 */
export function CreditsClient({
  scope,
  balanceTitle,
  initial,
  purchase,
  initialTab = 'usage',
}: CreditsClientProps) {
  return (
    <div className="flex flex-col gap-6">
      <BalanceCard scope={scope} initialSummary={initial.summary} title={balanceTitle} />
      <Tabs
        defaultValue={purchase ? initialTab : initialTab === 'purchase' ? 'usage' : initialTab}
        className="min-w-0"
      >
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
            <TabsTrigger value="purchase">
              <CreditCard aria-hidden="true" className="size-4" />
              Purchase
            </TabsTrigger>
          ) : null}
        </TabsList>
        <TabsContent value="usage">
          <UsagePanel scope={scope} initialReport={initial.usage} />
        </TabsContent>
        <TabsContent value="history">
          <HistoryPanel scope={scope} initialPage={initial.history} />
        </TabsContent>
        {purchase ? <TabsContent value="purchase">{purchase}</TabsContent> : null}
      </Tabs>
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { ChevronLeft } from 'lucide-react';
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
import { CreditsClient } from '@/app/(dashboard)/credits/credits-client';
import { PurchasePanel } from '@/components/billing/purchase-panel';
import { CreditLineCard } from '@/components/credits/credit-line-card';
import { LotsCard } from '@/components/credits/lots-card';
import { RoleBadge } from '@/components/orgs/role-badge';
import { getMemberOrg } from '../member-org';

interface Props {
  params: Promise<{ orgSlug: string }>;
  searchParams: Promise<{ checkout?: string; tab?: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { org } = await getMemberOrg((await params).orgSlug);
  return { title: `${org.name} credits` };
}

/**
 * An organization's shared wallet, for every member: limit warnings, balance, usage and history;
 * owners and admins also see usage by member and the Purchase tab.
 */
export default async function OrgCreditsPage({ params, searchParams }: Props) {
  const { viewer, org } = await getMemberOrg((await params).orgSlug);
  const { checkout, tab } = await searchParams;
  const canBuy = org.role === 'owner' || org.role === 'admin';
  const { session } = viewer;
  const wallet = { type: 'org', orgId: org.id } as const;
  const walletId = await resolveWallet(session, wallet);
  const [summary, grant, usage, history, creditLine, lots] = await Promise.all([
    getWalletSummary(session, walletId),
    getPeriodGrantProgress(session, wallet),
    getUsageByCategory(session, walletId, DEFAULT_USAGE_PERIOD),
    listTransactions(session, walletId, { limit: HISTORY_PAGE_SIZE }),
    getCreditLine(session, walletId),
    listLiveLots(session, walletId),
  ]);

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-2">
        <Link
          href="/organizations"
          className="text-muted-foreground hover:text-foreground inline-flex w-fit items-center gap-1 rounded-sm text-sm"
        >
          <ChevronLeft aria-hidden="true" className="size-4" />
          Organizations
        </Link>
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="text-2xl font-semibold tracking-tight">{org.name} credits</h1>
          <RoleBadge role={org.role} />
          {canBuy ? (
            <Link
              href={`/organizations/${org.slug}/billing`}
              className="text-primary ml-auto text-sm font-medium hover:underline"
            >
              Billing
            </Link>
          ) : null}
          <Link
            href={`/organizations/${org.slug}/members`}
            className={`text-primary text-sm font-medium hover:underline ${canBuy ? '' : 'ml-auto'}`}
          >
            Members
          </Link>
        </div>
        <p className="text-muted-foreground text-sm">
          The organization&apos;s shared wallet. Members spend from it; it never mixes with personal
          credits.
        </p>
      </div>
      <CreditsClient
        scope={{ type: 'org', orgId: org.id }}
        balanceTitle={`${org.name} wallet`}
        initial={{ summary, grant, usage, history }}
        afterBalance={
          <>
            {creditLine ? <CreditLineCard line={creditLine} available={summary.available} /> : null}
            <LotsCard lots={lots} />
          </>
        }
        showMembers={canBuy}
        purchase={
          canBuy ? (
            <PurchasePanel
              session={session}
              scope={{ type: 'org', orgId: org.id, role: org.role, name: org.name }}
            />
          ) : undefined
        }
        initialTab={
          (checkout || tab === 'purchase') && canBuy
            ? 'purchase'
            : tab === 'history'
              ? 'history'
              : 'usage'
        }
      />
    </div>
  );
}

'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { Building2, CircleAlert, Coins, TriangleAlert } from 'lucide-react';
import { formatCredits } from '@/lib/credits/format';
import { cn } from '@/lib/utils';
import { Skeleton } from '@/components/ui/skeleton';
import type { BalanceLevel } from './labels';
import type { WalletScope } from './credits-config';
import { creditSeverity, headerLevel, limitNotices } from './limits';
import { useLedgerPulse } from './ledger-pulse';
import { creditsKeys, fetchGrantProgress, fetchSummary } from './queries';
import { useWalletChoice } from './wallet-choice';

const REFRESH_MS = 60_000;

const tones: Record<BalanceLevel, string> = {
  ok: 'border-border bg-background text-foreground hover:bg-muted',
  low: 'border-warning/40 bg-warning-subtle text-warning-subtle-foreground hover:bg-warning-subtle/70',
  critical:
    'border-destructive/40 bg-destructive-subtle text-destructive-subtle-foreground hover:bg-destructive-subtle/70',
};

interface HeaderOrg {
  id: string;
  slug: string;
  name: string;
}

/**
 * Inside /organizations/[slug]/… that org's wallet is the context; elsewhere the wallet the viewer
 * is using (chosen in "Pay from", or their org's when their own is empty: ./wallet-choice).
 */
function useWalletContext(orgs: HeaderOrg[]): {
  scope: WalletScope;
  href: string;
  orgName: string | null;
} {
  const slug = /^\/organizations\/([^/]+)/.exec(usePathname() ?? '')?.[1];
  const { orgId } = useWalletChoice();
  const org =
    orgs.find((candidate) => candidate.slug === slug) ??
    (slug === undefined ? orgs.find((candidate) => candidate.id === orgId) : undefined);
  return org
    ? {
        scope: { type: 'org', orgId: org.id },
        href: `/organizations/${org.slug}/credits`,
        orgName: org.name,
      }
    : { scope: { type: 'personal' }, href: '/credits', orgName: null };
}

/**
 * Available credits in the dashboard header, of the wallet in use (an org's names it), refreshed every
 * minute. Other pages refresh it at once after a spend with `invalidateCredits` from ./queries, and
 * money moved by someone else reaches it (and the page's credits figures) through ./ledger-pulse.
 * Its low and critical tones are the limit banner's verdict (./limits): a low balance or 95 % of
 * the period's plan credits is low; an almost empty wallet or a used-up grant is critical.
 */
export function HeaderBalance({ orgs }: { orgs: HeaderOrg[] }) {
  const { scope, href, orgName } = useWalletContext(orgs);
  useLedgerPulse();
  const label = orgName ?? 'Your';
  const { data, isPending, isError } = useQuery({
    queryKey: creditsKeys.summary(scope),
    queryFn: ({ signal }) => fetchSummary(scope, signal),
    refetchInterval: REFRESH_MS,
  });
  // The grant changes only when something is spent, which invalidates every credits query.
  const { data: grant } = useQuery({
    queryKey: creditsKeys.grant(scope),
    queryFn: ({ signal }) => fetchGrantProgress(scope, signal),
    refetchInterval: REFRESH_MS,
  });

  if (isPending) {
    return (
      <span className="flex items-center" role="status">
        <span className="sr-only">Loading your credit balance…</span>
        <Skeleton className="h-8 w-20 sm:w-28" />
      </span>
    );
  }

  const base =
    'inline-flex h-8 shrink-0 items-center gap-1.5 rounded-full border px-2.5 text-sm font-medium tabular-nums transition-colors sm:px-3';

  if (isError || !data) {
    return (
      <Link href={href} className={cn(base, tones.ok)} data-testid="header-balance">
        <CircleAlert aria-hidden="true" className="text-muted-foreground size-4" />
        <span>Credits</span>
        <span className="sr-only">(balance unavailable)</span>
      </Link>
    );
  }

  const level = headerLevel(creditSeverity(data, grant));
  const notice =
    level === 'ok'
      ? undefined
      : limitNotices(data, grant, scope.type).find((found) => found.key !== 'allowances');
  const Icon = level === 'ok' ? Coins : level === 'low' ? TriangleAlert : CircleAlert;
  const amount = formatCredits(data.available);
  return (
    <Link
      href={href}
      className={cn(base, tones[level])}
      data-testid="header-balance"
      data-level={level}
      data-scope={scope.type}
      title={notice?.title}
      aria-label={`${label} credits: ${data.available < 0n ? `${formatCredits(-data.available)} owed on pay-as-you-go` : `${amount} available`}.${notice ? ` ${notice.title}.` : ''}`}
    >
      {/* On a phone the plain coin gives way to the amount; warning icons always show. */}
      <Icon aria-hidden="true" className={cn('size-4', level === 'ok' && 'hidden sm:block')} />
      {orgName ? (
        <span
          className="text-muted-foreground flex min-w-0 items-center gap-1 font-normal"
          data-testid="header-balance-wallet"
        >
          <Building2 aria-hidden="true" className="size-3.5 shrink-0" />
          <span className="hidden max-w-32 truncate sm:inline">{orgName}</span>
        </span>
      ) : null}
      <span data-testid="header-balance-amount">{amount}</span>
      <span className="hidden sm:inline">credits</span>
    </Link>
  );
}

import Link from 'next/link';
import { ArrowRight, Bell, Building2, Coins, TrendingDown, TrendingUp, User } from 'lucide-react';
import type { HomeActivity, HomeAlert, HomeWallet } from '@/lib/credits';
import type { TransferKind } from '@/lib/credits';
import { formatCredits } from '@/lib/credits/format';
import { KIND_LABELS, balanceLevel } from '@/components/credits/labels';
import { LocalDate } from '@/components/credits/local-date';
import { RoleBadge } from '@/components/orgs/role-badge';
import { Badge } from '@/components/ui/badge';
import { buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { cn } from '@/lib/utils';

/** The dashboard home's parts: wallets with their month, recent movements, alerts. */

export function walletHref(wallet: HomeWallet): string {
  return wallet.kind === 'personal' ? '/credits' : `/organizations/${wallet.orgSlug}/credits`;
}

export function walletName(wallet: HomeWallet): string {
  return wallet.kind === 'personal' ? 'Personal wallet' : (wallet.orgName ?? 'Organization');
}

function SpendTrend({ wallet }: { wallet: HomeWallet }) {
  const { spentThisMonth: now, spentLastMonth: before } = wallet;
  const up = now > before;
  const Icon = up ? TrendingUp : TrendingDown;
  return (
    <p className="text-muted-foreground flex flex-wrap items-center gap-x-1 text-sm">
      <span className="text-foreground font-medium tabular-nums">{formatCredits(now)}</span> spent
      this month
      <span aria-hidden="true">·</span>
      <span className="inline-flex items-center gap-1">
        {now === 0n && before === 0n ? null : <Icon aria-hidden="true" className="size-3.5" />}
        {formatCredits(before)} last month
      </span>
    </p>
  );
}

export function WalletCards({ wallets }: { wallets: HomeWallet[] }) {
  return (
    <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Wallets">
      {wallets.map((wallet) => {
        const level = balanceLevel(wallet.available);
        const Icon = wallet.kind === 'personal' ? User : Building2;
        return (
          <li key={wallet.walletId}>
            <Card className="h-full">
              <CardHeader className="gap-1">
                <CardDescription className="flex min-w-0 items-center gap-2">
                  <Icon aria-hidden="true" className="size-4 shrink-0" />
                  <span className="truncate">{walletName(wallet)}</span>
                  {wallet.role ? <RoleBadge role={wallet.role} /> : null}
                </CardDescription>
                <CardTitle
                  as="h3"
                  className={cn(
                    'text-2xl tabular-nums',
                    level === 'critical' && 'text-destructive',
                    level === 'low' && 'text-amber-700 dark:text-amber-400',
                  )}
                >
                  {formatCredits(wallet.available)}{' '}
                  <span className="text-muted-foreground text-sm font-normal">credits</span>
                </CardTitle>
              </CardHeader>
              <CardContent className="flex flex-col gap-3">
                <SpendTrend wallet={wallet} />
                {wallet.frozen ? <Badge variant="destructive">Frozen</Badge> : null}
                <Link
                  href={walletHref(wallet)}
                  className="text-primary inline-flex w-fit items-center gap-1 text-sm font-medium hover:underline"
                >
                  {wallet.kind === 'personal' ? 'Your credits' : `${wallet.orgName} credits`}
                  <ArrowRight aria-hidden="true" className="size-3.5" />
                </Link>
              </CardContent>
            </Card>
          </li>
        );
      })}
    </ul>
  );
}

export function RecentActivity({
  activity,
  wallets,
}: {
  activity: HomeActivity[];
  wallets: HomeWallet[];
}) {
  const names = new Map(wallets.map((wallet) => [wallet.walletId, walletName(wallet)]));
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h2">Recent activity</CardTitle>
        <CardDescription>The latest movements on your wallets.</CardDescription>
      </CardHeader>
      <CardContent>
        {activity.length === 0 ? (
          <p className="text-muted-foreground text-sm">
            Nothing yet. Credits you buy or spend show up here.
          </p>
        ) : (
          <ul className="divide-y">
            {activity.map((item) => (
              <li
                key={item.id.toString()}
                className="flex items-start justify-between gap-3 py-2.5"
              >
                <div className="flex min-w-0 flex-col">
                  <span className="truncate text-sm font-medium">
                    {item.description || KIND_LABELS[item.kind as TransferKind] || item.kind}
                  </span>
                  <span className="text-muted-foreground text-xs">
                    {names.get(item.walletId) ?? 'Wallet'} · <LocalDate value={item.createdAt} />
                  </span>
                </div>
                <span
                  className={cn(
                    'shrink-0 text-sm font-medium tabular-nums',
                    item.direction === 'credit' && 'text-emerald-700 dark:text-emerald-400',
                  )}
                >
                  {item.direction === 'credit' ? '+' : '−'}
                  {formatCredits(item.amount)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

const ALERT_TEXT: Record<string, (alert: HomeAlert) => string> = {
  'balance.threshold': (alert) => `${alert.threshold}% of this month’s credits used`,
  'balance.low': (alert) => `Balance fell below ${formatCredits(alert.threshold)} credits`,
  'allowance.threshold': (alert) => `${alert.threshold}% of an allowance used`,
  'usage.limit_reached': () => 'A monthly member limit was reached',
  'spend.refused': () => 'A spend was refused for lack of credits',
  'usage.spike': () => 'Unusual spike in spending',
  'balance.runout': (alert) => `Credits may run out within ${alert.threshold} days`,
  'key.expiring': (alert) => `A provider key expires within ${alert.threshold} days`,
  'auto_recharge.failed': () => 'Auto-recharge failed',
};

export function OpenAlerts({ alerts, wallets }: { alerts: HomeAlert[]; wallets: HomeWallet[] }) {
  const names = new Map(wallets.map((wallet) => [wallet.walletId, walletName(wallet)]));
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h2" className="flex items-center gap-2">
          <Bell aria-hidden="true" className="size-4" />
          Alerts this month
        </CardTitle>
        <CardDescription>Raised on the wallets you use or manage.</CardDescription>
      </CardHeader>
      <CardContent>
        {alerts.length === 0 ? (
          <p className="text-muted-foreground text-sm">No alerts this month.</p>
        ) : (
          <ul className="divide-y">
            {alerts.map((alert) => (
              <li key={alert.id.toString()} className="flex flex-col py-2.5">
                <span className="text-sm font-medium">
                  {(ALERT_TEXT[alert.kind] ?? (() => alert.kind))(alert)}
                </span>
                <span className="text-muted-foreground text-xs">
                  {(alert.walletId && names.get(alert.walletId)) || 'Your account'} ·{' '}
                  <LocalDate value={alert.createdAt} />
                </span>
              </li>
            ))}
          </ul>
        )}
        <Link
          href="/settings"
          className={cn(buttonVariants({ variant: 'link', size: 'sm' }), 'mt-2 h-auto px-0')}
        >
          Alert settings
        </Link>
      </CardContent>
    </Card>
  );
}

export interface NextAction {
  title: string;
  description: string;
  href: string;
  label: string;
}

/** The one thing most worth doing now, from the figures already on the page. */
export function nextAction(wallets: HomeWallet[], orgCount: number): NextAction {
  const personal = wallets.find((wallet) => wallet.kind === 'personal');
  const lowOrg = wallets.find(
    (wallet) => wallet.kind === 'org' && balanceLevel(wallet.available) !== 'ok',
  );
  // An org member spends the org wallet: an empty personal wallet is not their problem.
  if (personal && balanceLevel(personal.available) !== 'ok' && orgCount === 0) {
    return {
      title: 'Your credits are running low',
      description: `${formatCredits(personal.available)} credits left. Buy a package, or switch on auto-recharge in Settings.`,
      href: '/credits?tab=purchase',
      label: 'Buy credits',
    };
  }
  if (lowOrg) {
    return {
      title: `${lowOrg.orgName} is running low`,
      description: `Its wallet holds ${formatCredits(lowOrg.available)} credits; its members spend from it.`,
      href: `/organizations/${lowOrg.orgSlug}/credits?tab=purchase`,
      label: 'Top up the organization',
    };
  }
  if (wallets.every((wallet) => wallet.spentThisMonth === 0n && wallet.spentLastMonth === 0n)) {
    return {
      title: 'Try the AI assistant',
      description: 'Ask anything; each reply is charged from your credits by what it really used.',
      href: '/ai',
      label: 'Open the assistant',
    };
  }
  const managed = wallets.find((wallet) => wallet.kind === 'org');
  if (managed) {
    return {
      title: `Bring your team into ${managed.orgName}`,
      description: 'Invite people, set monthly limits per member and see who spends what.',
      href: `/organizations/${managed.orgSlug}/members`,
      label: 'Manage members',
    };
  }
  return {
    title: 'See where your credits go',
    description: 'Usage by day, feature and model, and every movement of your wallet.',
    href: '/credits',
    label: 'Open credits',
  };
}

export function NextActionCard({ action }: { action: NextAction }) {
  return (
    <div className="bg-accent/40 flex flex-col gap-3 rounded-lg border p-4 sm:flex-row sm:items-center sm:justify-between sm:p-5">
      <div className="flex min-w-0 gap-3">
        <span className="bg-accent text-accent-foreground flex size-9 shrink-0 items-center justify-center rounded-md">
          <Coins aria-hidden="true" className="size-4" />
        </span>
        <div className="flex min-w-0 flex-col gap-0.5">
          <h2 className="font-semibold">{action.title}</h2>
          <p className="text-muted-foreground text-sm">{action.description}</p>
        </div>
      </div>
      <Link href={action.href} className={cn(buttonVariants(), 'w-full shrink-0 sm:w-auto')}>
        {action.label}
      </Link>
    </div>
  );
}

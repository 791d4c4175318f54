import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { Building2 } from 'lucide-react';
import { getViewer } from '@/lib/auth';
import {
  getHomeOverview,
  getPeriodGrantProgress,
  getWalletSummary,
  resolveWallet,
} from '@/lib/credits';
import {
  NextActionCard,
  OpenAlerts,
  RecentActivity,
  WalletCards,
  nextAction,
} from '@/components/dashboard/home-sections';
import { LimitWarning } from '@/components/credits/limit-warning';
import type { WalletScope } from '@/components/credits/credits-config';
import { preferredWalletOrgId } from '@/components/credits/preferred-wallet';
import { RoleBadge } from '@/components/orgs/role-badge';
import { buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';

export const metadata: Metadata = { title: 'Dashboard' };

function firstName(fullName: string): string {
  return fullName.trim().split(/\s+/)[0] || fullName;
}

export default async function DashboardPage() {
  // The layout already checked; getViewer is cached per request, so this costs nothing extra.
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const { session } = viewer;
  // Warnings are about the wallet the viewer is actually using (the header's), not always theirs.
  const orgId = await preferredWalletOrgId(viewer);
  const org = viewer.orgs.find((candidate) => candidate.id === orgId);
  const scope: WalletScope = org ? { type: 'org', orgId: org.id } : { type: 'personal' };
  // The limit banner is a courtesy here: if its figures cannot be read, the dashboard still
  // renders (the credits page shows the error with a way to retry).
  const [overview, limits] = await Promise.all([
    getHomeOverview(session),
    Promise.all([
      resolveWallet(session, scope).then((walletId) => getWalletSummary(session, walletId)),
      getPeriodGrantProgress(session, scope),
    ]).catch((error: unknown) => {
      console.error('dashboard: limit warning figures unavailable', error);
      return null;
    }),
  ]);

  return (
    <div className="flex flex-col gap-8">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">
          Welcome back, {firstName(viewer.fullName)}
        </h1>
        <p className="text-muted-foreground text-sm">
          Signed in as {viewer.fullName} ({viewer.email})
        </p>
      </div>

      {limits ? (
        <LimitWarning
          scope={scope}
          initialSummary={limits[0]}
          initialGrant={limits[1]}
          canBuy={!org || org.role !== 'member'}
          buyHref={
            org ? `/organizations/${org.slug}/credits?tab=purchase` : '/credits?tab=purchase'
          }
        />
      ) : null}

      <NextActionCard action={nextAction(overview.wallets, viewer.orgs.length)} />

      <section aria-labelledby="wallets-heading" className="flex flex-col gap-3">
        <h2 id="wallets-heading" className="text-lg font-semibold">
          Wallets
        </h2>
        <WalletCards wallets={overview.wallets} />
      </section>

      <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
        <RecentActivity activity={overview.activity} wallets={overview.wallets} />
        <OpenAlerts alerts={overview.alerts} wallets={overview.wallets} />
      </div>

      <Card>
        <CardHeader>
          <CardTitle as="h2">Your organizations</CardTitle>
          <CardDescription>
            Organizations share a credit wallet that their admins manage.
          </CardDescription>
        </CardHeader>
        <CardContent>
          {viewer.orgs.length === 0 ? (
            <EmptyState
              icon={Building2}
              title="You are not in any organization yet"
              description="Create one, or ask an admin to invite you."
              action={
                <Link
                  href="/organizations"
                  className={buttonVariants({ variant: 'outline', size: 'sm' })}
                >
                  Go to organizations
                </Link>
              }
            />
          ) : (
            <ul className="divide-y rounded-lg border">
              {viewer.orgs.map((org) => {
                return (
                  <li key={org.id} className="flex items-center justify-between gap-3 px-4 py-3">
                    <div className="min-w-0">
                      <Link
                        href={`/organizations/${org.slug}/credits`}
                        className="font-medium hover:underline"
                      >
                        {org.name}
                      </Link>
                      <p className="text-muted-foreground truncate text-xs">{org.slug}</p>
                    </div>
                    <RoleBadge role={org.role} />
                  </li>
                );
              })}
            </ul>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

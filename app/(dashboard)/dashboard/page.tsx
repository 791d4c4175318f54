import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { ArrowRight, Building2, Coins, KeyRound, Sparkles, type LucideIcon } from 'lucide-react';
import { getViewer } from '@/lib/auth';
import { getPeriodGrantProgress, getWalletSummary, resolveWallet } from '@/lib/credits';
import { LimitWarning } from '@/components/credits/limit-warning';
import type { WalletScope } from '@/components/credits/credits-config';
import { preferredWalletOrgId } from '@/components/credits/preferred-wallet';
import { RoleBadge } from '@/components/orgs/role-badge';
import { buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';

export const metadata: Metadata = { title: 'Dashboard' };

const quickLinks: { href: string; title: string; description: string; icon: LucideIcon }[] = [
  {
    href: '/credits',
    title: 'Credits',
    description: 'See your balance and history, and buy credit packages.',
    icon: Coins,
  },
  {
    href: '/allowances',
    title: 'Allowances',
    description: 'Your per-feature AI allowances and when they refresh.',
    icon: KeyRound,
  },
  {
    href: '/ai',
    title: 'AI Assistant',
    description: 'Try the assistant; each reply is charged from your credits.',
    icon: Sparkles,
  },
];

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
  const limits = await Promise.all([
    resolveWallet(session, scope).then((walletId) => getWalletSummary(session, walletId)),
    getPeriodGrantProgress(session, scope),
  ]).catch((error: unknown) => {
    console.error('dashboard: limit warning figures unavailable', error);
    return null;
  });

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

      <section aria-labelledby="quick-links-heading" className="flex flex-col gap-3">
        <h2 id="quick-links-heading" className="sr-only">
          Quick links
        </h2>
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {quickLinks.map(({ href, title, description, icon: Icon }) => (
            <li key={href}>
              <Link
                href={href}
                className="group bg-card hover:border-primary/40 hover:bg-accent/40 flex h-full gap-4 rounded-lg border p-4 shadow-sm transition-colors sm:p-5"
              >
                <span className="bg-accent text-accent-foreground flex size-9 shrink-0 items-center justify-center rounded-md">
                  <Icon aria-hidden="true" className="size-4" />
                </span>
                <span className="flex min-w-0 flex-col gap-1">
                  <span className="flex items-center gap-1 font-semibold">
                    {title}
                    <ArrowRight
                      aria-hidden="true"
                      className="text-muted-foreground size-4 transition-transform group-hover:translate-x-0.5"
                    />
                  </span>
                  <span className="text-muted-foreground text-sm">{description}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </section>

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

import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { getTokenStats } from '@/lib/aiTokens';
import { toJson, orgSubject, userSubject } from '@/lib/core';
import { getSubscription } from '@/lib/plans';
import { tokenStatsSchema } from '@/components/tokens/stats-schema';
import { AllowancesClient, type AllowancesSubjectOption } from './allowances-client';

export const metadata: Metadata = { title: 'Allowances' };

/** Per-feature allowances of the viewer, or of one of their orgs (?org=slug). */
export default async function AllowancesPage({
  searchParams,
}: {
  searchParams: Promise<{ org?: string }>;
}) {
  const { org: orgSlug } = await searchParams;
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const org = orgSlug ? viewer.orgs.find((candidate) => candidate.slug === orgSlug) : undefined;
  if (orgSlug && !org) notFound();

  const subject = org ? orgSubject(org.id) : userSubject(viewer.id);
  const [stats, subscription] = await Promise.all([
    getTokenStats(viewer.session, subject, '30d'),
    getSubscription(viewer.session, subject),
  ]);
  // Through the API's JSON so the first render and every refetch share one shape.
  const initial = tokenStatsSchema.parse(JSON.parse(toJson(stats)));

  const options: AllowancesSubjectOption[] = [
    { orgId: null, slug: null, label: 'You (personal)' },
    ...viewer.orgs.map((item) => ({ orgId: item.id, slug: item.slug, label: item.name })),
  ];
  const current = options.find((option) => option.slug === (org?.slug ?? null)) ?? options[0]!;

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Allowances</h1>
        <p className="text-muted-foreground text-sm">
          {org ? `${org.name}'s` : 'Your'} AI feature allowances this period, on the{' '}
          {subscription.planName} plan.{' '}
          <Link href="/pricing" className="text-primary underline-offset-4 hover:underline">
            Compare plans
          </Link>
        </p>
      </div>
      <AllowancesClient
        key={current.slug ?? 'personal'}
        subject={current}
        options={options}
        planName={subscription.planName}
        initial={initial}
      />
    </div>
  );
}

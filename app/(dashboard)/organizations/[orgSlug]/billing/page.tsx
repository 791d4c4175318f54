import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { orgSubject } from '@/lib/core';
import { resolveWallet } from '@/lib/credits';
import { getSubscription } from '@/lib/plans';
import { BillingOverview } from '@/app/(dashboard)/billing/billing-overview';
import { getMemberOrg } from '../member-org';

interface Props {
  params: Promise<{ orgSlug: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { org } = await getMemberOrg((await params).orgSlug);
  return { title: `${org.name} billing` };
}

/** An organization's plan, invoices and payments, for its owners and admins. */
export default async function OrgBillingPage({ params }: Props) {
  const { viewer, org } = await getMemberOrg((await params).orgSlug);
  if (org.role !== 'owner' && org.role !== 'admin') notFound();
  const accountId = await resolveWallet(viewer.session, { type: 'org', orgId: org.id });
  const plan = await getSubscription(viewer.session, orgSubject(org.id));
  const returnPath = `/organizations/${org.slug}/billing`;
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">{org.name} billing</h1>
        <p className="text-muted-foreground text-sm">
          The organization&apos;s plan, invoices and payments.
        </p>
      </div>
      <BillingOverview
        session={viewer.session}
        accountId={accountId}
        planName={plan.planName}
        orgId={org.id}
        returnPath={returnPath}
      />
    </div>
  );
}

import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { resolveWallet } from '@/lib/credits';
import { billingMode } from '@/lib/stripe';
import { LocalPortal } from '@/app/(dashboard)/billing/local-portal';
import { getMemberOrg } from '../../member-org';

export const metadata: Metadata = { title: 'Test billing portal' };

export default async function OrgLocalPortalPage({
  params,
}: {
  params: Promise<{ orgSlug: string }>;
}) {
  const { viewer, org } = await getMemberOrg((await params).orgSlug);
  if (org.role !== 'owner' && org.role !== 'admin') notFound();
  const returnPath = `/organizations/${org.slug}/billing`;
  if (billingMode() !== 'local') redirect(returnPath);
  const accountId = await resolveWallet(viewer.session, { type: 'org', orgId: org.id });
  return (
    <LocalPortal
      session={viewer.session}
      accountId={accountId}
      orgId={org.id}
      returnPath={returnPath}
    />
  );
}

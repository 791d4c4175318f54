import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { userSubject } from '@/lib/core';
import { resolveWallet } from '@/lib/credits';
import { getSubscription } from '@/lib/plans';
import { BillingOverview } from './billing-overview';

export const metadata: Metadata = { title: 'Billing' };

/** Your plan, its status and next invoice, your invoices and one-off payments. */
export default async function BillingPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const accountId = await resolveWallet(viewer.session, { type: 'personal' });
  const plan = await getSubscription(viewer.session, userSubject(viewer.id));
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Billing</h1>
        <p className="text-muted-foreground text-sm">
          Your plan, invoices and payments. Organization billing is on each organization&apos;s
          page.
        </p>
      </div>
      <BillingOverview
        session={viewer.session}
        accountId={accountId}
        planName={plan.planName}
        orgId={null}
        returnPath="/billing"
      />
    </div>
  );
}

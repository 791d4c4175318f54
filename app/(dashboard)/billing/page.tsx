import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { userSubject } from '@/lib/core';
import { resolveWallet } from '@/lib/credits';
import { getSubscription } from '@/lib/plans';
import { getBillingSubscription, listBillingInvoices, listPayments } from '@/lib/stripe';
import { PaymentsTable } from '@/components/billing/payments-table';
import { ManageBillingForm } from '@/components/billing/portal-forms';
import { InvoicesTable, SubscriptionSummary } from '@/components/billing/subscription-panel';
import { toPaymentView } from '@/components/billing/views';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { openPortalAction } from './actions';

export const metadata: Metadata = { title: 'Billing' };

/** Your plan, its status and next invoice, your invoices and one-off payments. */
export default async function BillingPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const accountId = await resolveWallet(viewer.session, { type: 'personal' });
  const [plan, subscription, invoices, payments] = await Promise.all([
    getSubscription(viewer.session, userSubject(viewer.id)),
    getBillingSubscription(viewer.session, accountId),
    listBillingInvoices(viewer.session, accountId),
    listPayments(viewer.session, accountId, { limit: 25 }),
  ]);
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Billing</h1>
        <p className="text-muted-foreground text-sm">
          Your plan, invoices and payments. Organization billing is on each organization&apos;s
          page.
        </p>
      </div>
      <SubscriptionSummary
        planName={plan.planName}
        subscription={subscription}
        portalForm={
          <ManageBillingForm action={openPortalAction} orgId={null} returnPath="/billing" />
        }
      />
      <Card>
        <CardHeader>
          <CardTitle as="h2">Invoices</CardTitle>
          <CardDescription>
            Subscription invoices, with tax and Stripe&apos;s links.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <InvoicesTable invoices={invoices} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle as="h2">One-off payments</CardTitle>
          <CardDescription>Credit packages and automatic top-ups.</CardDescription>
        </CardHeader>
        <CardContent>
          <PaymentsTable payments={payments.map(toPaymentView)} />
        </CardContent>
      </Card>
    </div>
  );
}

import type { DbSession } from '@/lib/db';
import { getBillingSubscription, listBillingInvoices, listPayments } from '@/lib/stripe';
import { Suspense } from 'react';
import { PaymentsTable } from '@/components/billing/payments-table';
import { PlanChangeRefresh } from '@/components/billing/plan-change-refresh';
import { ManageBillingForm, SubscriptionControlForm } from '@/components/billing/portal-forms';
import { InvoicesTable, SubscriptionSummary } from '@/components/billing/subscription-panel';
import { toPaymentView } from '@/components/billing/views';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { openPortalAction, subscriptionAction } from './actions';

/** A wallet's plan and status, next invoice, invoices and one-off payments (user or org). */
export async function BillingOverview({
  session,
  accountId,
  planName,
  orgId,
  returnPath,
}: {
  session: DbSession;
  accountId: string;
  planName: string;
  orgId: string | null;
  returnPath: string;
}) {
  const [subscription, invoices, payments] = await Promise.all([
    getBillingSubscription(session, accountId),
    listBillingInvoices(session, accountId),
    listPayments(session, accountId, { limit: 25 }),
  ]);
  return (
    <>
      <Suspense fallback={null}>
        <PlanChangeRefresh />
      </Suspense>
      <SubscriptionSummary
        planName={planName}
        subscription={subscription}
        portalForm={
          <ManageBillingForm action={openPortalAction} orgId={orgId} returnPath={returnPath} />
        }
        controlForm={
          subscription ? (
            <SubscriptionControlForm
              action={subscriptionAction}
              orgId={orgId}
              returnPath={returnPath}
              control={subscription.cancelAtPeriodEnd || subscription.pending ? 'resume' : 'cancel'}
              label={
                subscription.cancelAtPeriodEnd
                  ? 'Resume subscription'
                  : subscription.pending
                    ? `Keep ${subscription.planName}`
                    : 'Cancel at period end'
              }
            />
          ) : null
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
    </>
  );
}

import Link from 'next/link';
import { ExternalLink, Receipt } from 'lucide-react';
import type { BillingInvoice, BillingSubscription } from '@/lib/stripe';
import { formatPrice } from '@/lib/stripe/format';
import { Badge, type BadgeProps } from '@/components/ui/badge';
import { buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';

const dateText = (date: Date) =>
  date.toLocaleDateString('en-US', {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  });

const STATUS: Record<string, { label: string; variant: BadgeProps['variant'] }> = {
  active: { label: 'Active', variant: 'success' },
  trialing: { label: 'Trial', variant: 'info' },
  past_due: { label: 'Past due', variant: 'destructive' },
  unpaid: { label: 'Unpaid', variant: 'destructive' },
  incomplete: { label: 'Incomplete', variant: 'warning' },
  paused: { label: 'Paused', variant: 'warning' },
};

/** The plan, its Stripe status and what happens next; "Manage billing" opens the portal. */
export function SubscriptionSummary({
  planName,
  subscription,
  portalForm,
  controlForm,
}: {
  planName: string;
  subscription: BillingSubscription | null;
  portalForm: React.ReactNode;
  /** Cancel at the period end, or undo a scheduled cancellation or plan change. */
  controlForm?: React.ReactNode;
}) {
  const status = subscription ? (STATUS[subscription.status] ?? STATUS.active!) : null;
  return (
    <Card data-testid="subscription-summary">
      <CardHeader>
        <div className="flex flex-wrap items-center gap-2">
          <CardTitle as="h2">{planName} plan</CardTitle>
          {status ? <Badge variant={status.variant}>{status.label}</Badge> : null}
          {subscription?.provider === 'local' ? <Badge variant="warning">Test mode</Badge> : null}
        </div>
        <CardDescription>
          {subscription
            ? `Billed ${subscription.interval === 'year' ? 'yearly' : 'monthly'}.`
            : 'No paid subscription.'}
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {subscription ? (
          <p className="text-sm" data-testid="subscription-next">
            {subscription.pending && !subscription.cancelAtPeriodEnd
              ? `Changes to ${subscription.pending.planName} (${subscription.pending.interval === 'year' ? 'yearly' : 'monthly'}) on ${dateText(subscription.pending.at)}${subscription.nextAmount !== null ? `, then ${formatPrice(subscription.nextAmount, subscription.currency)} a ${subscription.pending.interval}` : ''}. Your current plan works until then.`
              : subscription.cancelAtPeriodEnd
                ? `Cancels at the end of the period, on ${dateText(subscription.currentPeriodEnd)}. Your plan works until then.`
                : subscription.status === 'past_due'
                  ? `The last payment failed. Update your card to keep the plan; features keep working for a few grace days.`
                  : subscription.status === 'trialing' && subscription.trialEnd
                    ? `Trial ends on ${dateText(subscription.trialEnd)}; then ${subscription.nextAmount !== null ? formatPrice(subscription.nextAmount, subscription.currency) : 'the plan price'} is charged.`
                    : `Next invoice on ${dateText(subscription.currentPeriodEnd)}${subscription.nextAmount !== null ? `: ${formatPrice(subscription.nextAmount, subscription.currency)}` : ''}.`}
          </p>
        ) : null}
        {subscription?.nextMonthAt &&
        subscription.nextMonthAt < subscription.currentPeriodEnd &&
        subscription.status !== 'past_due' ? (
          <p className="text-muted-foreground text-sm" data-testid="subscription-month">
            Paid yearly, used monthly: the plan’s credits and allowances renew each month, next on{' '}
            {dateText(subscription.nextMonthAt)}.
          </p>
        ) : null}
        {subscription ? null : (
          <p className="text-muted-foreground text-sm">
            Compare plans to add AI feature allowances and more monthly credits.
          </p>
        )}
        <div className="flex flex-wrap gap-2">
          {subscription ? portalForm : null}
          {subscription ? controlForm : null}
          <Link href="/pricing" className={buttonVariants({ variant: 'outline' })}>
            {subscription ? 'Change plan' : 'See plans'}
          </Link>
        </div>
      </CardContent>
    </Card>
  );
}

/** Subscription invoices with tax and links to Stripe's hosted invoice and PDF. */
export function InvoicesTable({ invoices }: { invoices: BillingInvoice[] }) {
  if (invoices.length === 0) {
    return (
      <EmptyState
        icon={Receipt}
        title="No invoices yet"
        description="Subscription invoices show up here once they are issued."
      />
    );
  }
  return (
    <Table stack>
      <TableHeader>
        <TableRow>
          <TableHead>Period</TableHead>
          <TableHead>Plan</TableHead>
          <TableHead className="text-right">Amount</TableHead>
          <TableHead className="text-right">Tax</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Invoice</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {invoices.map((invoice) => (
          <TableRow key={invoice.id} data-testid="invoice-row">
            <TableCell className="whitespace-nowrap">
              {dateText(invoice.periodStart)} – {dateText(invoice.periodEnd)}
            </TableCell>
            <TableCell data-label="Plan">{invoice.planName ?? '—'}</TableCell>
            <TableCell data-label="Amount" className="text-right tabular-nums">
              {formatPrice(invoice.amountPaid, invoice.currency)}
            </TableCell>
            <TableCell data-label="Tax" className="text-right tabular-nums">
              {formatPrice(invoice.tax, invoice.currency)}
            </TableCell>
            <TableCell data-label="Status">
              <Badge variant={invoice.status === 'paid' ? 'success' : 'warning'}>
                {invoice.status === 'paid'
                  ? 'Paid'
                  : invoice.status === 'open'
                    ? 'Due'
                    : invoice.status}
              </Badge>
            </TableCell>
            <TableCell data-label="Invoice" className="whitespace-nowrap">
              {invoice.hostedInvoiceUrl ? (
                <a
                  href={invoice.hostedInvoiceUrl}
                  target="_blank"
                  rel="noreferrer"
                  className="text-primary inline-flex items-center gap-1 underline-offset-4 hover:underline"
                >
                  View <ExternalLink aria-hidden="true" className="size-3" />
                </a>
              ) : (
                <span className="text-muted-foreground text-sm">Test invoice</span>
              )}
              {invoice.invoicePdf ? (
                <a
                  href={invoice.invoicePdf}
                  target="_blank"
                  rel="noreferrer"
                  className="text-primary ml-3 underline-offset-4 hover:underline"
                >
                  PDF
                </a>
              ) : null}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

'use client';

import type { ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from '@/components/ui/dialog';
import { formatPrice } from '@/lib/stripe/format';

/** What POST /api/billing/change-plan answers (a preview or the change made), as JSON. */
export interface PlanChangeQuoteView {
  change: 'upgrade' | 'downgrade' | 'keep';
  planId: string;
  planName: string;
  interval: 'month' | 'year';
  currency: string;
  amountDueNow: number | null;
  effectiveAt: string;
  nextInvoiceAt: string;
  nextInvoiceAmount: number;
  prorationDate: number | null;
}

const dateText = (iso: string) =>
  new Date(iso).toLocaleDateString('en-US', {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  });

/**
 * The confirmation of a plan change with Stripe's numbers: for an upgrade, what is charged now
 * (the proration) and the next invoice; for a downgrade, the date it takes effect.
 */
export function ChangePlanDialog({
  quote,
  walletLabel,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  quote: PlanChangeQuoteView | null;
  walletLabel: string;
  pending: boolean;
  error: string | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const price = (amount: number) => formatPrice(BigInt(amount), quote?.currency ?? 'usd');
  const per = quote?.interval === 'year' ? 'year' : 'month';
  const upgrade = quote?.change === 'upgrade';
  return (
    <Dialog open={quote !== null} onOpenChange={(open) => (!open && !pending ? onClose() : null)}>
      {quote ? (
        <DialogContent aria-describedby="change-plan-description" hideClose={pending}>
          <DialogHeader>
            <DialogTitle>
              {upgrade ? 'Upgrade' : 'Switch'} to {quote.planName} (
              {quote.interval === 'year' ? 'yearly' : 'monthly'})
            </DialogTitle>
            <DialogDescription id="change-plan-description">
              {upgrade
                ? 'The new plan starts now. You pay for the rest of this period at the new price, less the unused time of your current plan.'
                : `Your current plan stays until ${dateText(quote.effectiveAt)}; nothing is charged now.`}
            </DialogDescription>
          </DialogHeader>
          <dl className="divide-y rounded-lg border text-sm" data-testid="change-plan-summary">
            {upgrade && quote.amountDueNow !== null ? (
              <Row term="Due now">
                <span className="text-base font-semibold" data-testid="change-plan-due">
                  {price(quote.amountDueNow)}
                </span>
              </Row>
            ) : (
              <Row term="Takes effect">{dateText(quote.effectiveAt)}</Row>
            )}
            <Row term="Next invoice">
              {price(quote.nextInvoiceAmount)} on {dateText(quote.nextInvoiceAt)}
              <span className="text-muted-foreground"> · then every {per}</span>
            </Row>
            <Row term="For">{walletLabel}</Row>
          </dl>
          {error ? (
            <p role="alert" className="text-destructive text-sm">
              {error}
            </p>
          ) : null}
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline" disabled={pending}>
                Cancel
              </Button>
            </DialogClose>
            <Button onClick={onConfirm} disabled={pending}>
              {pending
                ? 'Changing…'
                : upgrade
                  ? `Confirm and pay ${price(quote.amountDueNow ?? 0)}`
                  : 'Schedule the change'}
            </Button>
          </DialogFooter>
        </DialogContent>
      ) : null}
    </Dialog>
  );
}

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5 px-3 py-2 sm:flex-row sm:items-baseline sm:justify-between sm:gap-4">
      <dt className="text-muted-foreground text-xs font-medium sm:text-sm">{term}</dt>
      <dd className="sm:text-right">{children}</dd>
    </div>
  );
}

import { ExternalLink, Receipt } from 'lucide-react';
import { Badge, type BadgeProps } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';
import { LocalTime } from './local-time';
import type { PaymentView } from './views';

const STATUS: Record<PaymentView['status'], { label: string; variant: BadgeProps['variant'] }> = {
  processing: { label: 'Processing', variant: 'info' },
  paid: { label: 'Paid', variant: 'success' },
  failed: { label: 'Failed', variant: 'destructive' },
  refunded: { label: 'Refunded', variant: 'warning' },
};

/** Payments with their Stripe receipts, newest first (for users and org owners/admins). */
export function PaymentsTable({
  payments,
  showBuyer,
}: {
  payments: PaymentView[];
  showBuyer?: boolean;
}) {
  if (payments.length === 0) {
    return (
      <EmptyState
        icon={Receipt}
        title="No payments yet"
        description="Packages you buy show up here with their receipts."
      />
    );
  }
  return (
    <Table stack>
      <TableHeader>
        <TableRow>
          <TableHead>Date</TableHead>
          <TableHead>Package</TableHead>
          {showBuyer ? <TableHead>Bought by</TableHead> : null}
          <TableHead className="text-right">Amount</TableHead>
          <TableHead className="text-right">Credits</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Receipt</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {payments.map((payment) => {
          const status = STATUS[payment.status];
          return (
            <TableRow key={payment.id}>
              <TableCell className="whitespace-nowrap">
                <LocalTime iso={payment.createdAt} />
              </TableCell>
              <TableCell data-label="Package">
                <span className="font-medium">{payment.packageName}</span>
                {payment.kind === 'auto_recharge' ? (
                  <span className="text-muted-foreground block text-xs">Auto-recharge</span>
                ) : null}
              </TableCell>
              {showBuyer ? (
                <TableCell data-label="Bought by">{payment.buyerName ?? '—'}</TableCell>
              ) : null}
              <TableCell data-label="Amount" className="text-right tabular-nums">
                {payment.price}
                {payment.refunded ? (
                  <span className="text-muted-foreground block text-xs">
                    {payment.refunded} refunded
                  </span>
                ) : null}
              </TableCell>
              <TableCell data-label="Credits" className="text-right tabular-nums">
                {payment.credits}
                {payment.bonusCredits ? (
                  <span className="text-muted-foreground block text-xs">
                    +{payment.bonusCredits} bonus
                  </span>
                ) : null}
                {payment.creditsClawedBack ? (
                  <span className="text-muted-foreground block text-xs">
                    −{payment.creditsClawedBack} taken back
                  </span>
                ) : null}
              </TableCell>
              <TableCell data-label="Status">
                <div className="flex flex-wrap gap-1">
                  <Badge variant={status.variant}>{status.label}</Badge>
                  {payment.disputeStatus === 'open' ? (
                    <Badge variant="destructive">Disputed</Badge>
                  ) : null}
                </div>
                {payment.failureMessage && payment.status === 'failed' ? (
                  <span className="text-muted-foreground block text-xs">
                    {payment.failureMessage}
                  </span>
                ) : null}
              </TableCell>
              <TableCell data-label="Receipt">
                {payment.receiptUrl ? (
                  <a
                    href={payment.receiptUrl}
                    target="_blank"
                    rel="noreferrer"
                    className="text-primary inline-flex items-center gap-1 text-sm font-medium hover:underline"
                  >
                    Receipt
                    <ExternalLink aria-hidden="true" className="size-3.5" />
                    <span className="sr-only">(opens Stripe in a new tab)</span>
                  </a>
                ) : (
                  <span className="text-muted-foreground text-sm">
                    {payment.isTest ? 'Test payment' : '—'}
                  </span>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

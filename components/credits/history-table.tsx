import { formatCredits } from '@/lib/credits/format';
import { cn } from '@/lib/utils';
import { Badge, type BadgeProps } from '@/components/ui/badge';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';
import { featureLabel } from '@/lib/credits/kinds';
import { ACTIVITY_LABELS, CATEGORY_LABELS } from './labels';
import { LocalDate } from './local-date';
import type { Transaction, TransferKind } from './queries';

const kindBadge: Record<TransferKind, BadgeProps['variant']> = {
  grant: 'success',
  spend: 'secondary',
  hold_post: 'secondary',
  transfer: 'info',
  refund: 'success',
  expire: 'warning',
  clawback: 'destructive',
  adjustment: 'outline',
};

// System accounts arrive as their code ("issuance:purchase", "revenue:ai usage", …).
const systemCounterparty: Record<string, string | null> = {
  'issuance:purchase': 'Credit purchase',
  'issuance:plan': 'Plan allowance',
  'issuance:promo': 'Promotion',
  'issuance:admin': 'Granted by Tollgate',
  expired: 'Expired credits',
  refunded: 'Refunded',
};

/** Who was on the other side, when that tells the reader something. */
function counterpartyNote(item: Transaction): string | null {
  const party = item.counterparty;
  if (party.startsWith('revenue:')) return null; // a spend: the description says what it was
  const system = systemCounterparty[party];
  if (system !== undefined) return system;
  return item.direction === 'credit' ? `From ${party}` : `To ${party}`;
}

/** What the row was: a feature run names its feature even when its description does not. */
function descriptionOf(item: Transaction): string {
  const text = item.description ?? ACTIVITY_LABELS[item.activity];
  if (item.activity !== 'feature_run' || !item.feature) return text;
  const feature = featureLabel(item.feature);
  return text.startsWith(feature) ? text : `${feature} · ${text}`;
}

// "Other" says nothing: a row the ledger files there is named by what it was.
const OTHER_CATEGORY: Partial<Record<Transaction['activity'], string>> = {
  purchase: 'Purchases',
  payment_refund: 'Purchases',
  plan_grant: 'Subscription',
  bonus: 'Grants',
  admin_grant: 'Grants',
  grant: 'Grants',
};

function categoryOf(item: Transaction): string {
  if (item.category !== 'other') return CATEGORY_LABELS[item.category];
  return OTHER_CATEGORY[item.activity] ?? CATEGORY_LABELS.other;
}

/**
 * Five columns from the sm breakpoint up. On a phone the date, type and category fold under the
 * description, so the amount stays in view without scrolling sideways.
 */
export function HistoryTable({ items }: { items: Transaction[] }) {
  return (
    <Table aria-label="Transactions" className="sm:min-w-[42rem]">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead className="hidden w-44 sm:table-cell">Date</TableHead>
          <TableHead>Description</TableHead>
          <TableHead className="hidden sm:table-cell">Type</TableHead>
          <TableHead className="hidden sm:table-cell">Category</TableHead>
          <TableHead className="text-right">Credits</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((item) => {
          const note = counterpartyNote(item);
          return (
            <TableRow key={item.id.toString()}>
              <TableCell className="text-muted-foreground hidden whitespace-nowrap tabular-nums sm:table-cell">
                <LocalDate value={item.createdAt} />
              </TableCell>
              <TableCell>
                <span className="block font-medium">{descriptionOf(item)}</span>
                {note ? <span className="text-muted-foreground block text-xs">{note}</span> : null}
                <span className="text-muted-foreground mt-0.5 block text-xs sm:hidden">
                  <LocalDate value={item.createdAt} /> · {ACTIVITY_LABELS[item.activity]} ·{' '}
                  {categoryOf(item)}
                </span>
              </TableCell>
              <TableCell className="hidden sm:table-cell">
                <Badge variant={kindBadge[item.kind]} data-testid="history-activity">
                  {ACTIVITY_LABELS[item.activity]}
                </Badge>
              </TableCell>
              <TableCell className="hidden whitespace-nowrap sm:table-cell">
                {categoryOf(item)}
              </TableCell>
              <TableCell
                className={cn(
                  'text-right align-top font-medium whitespace-nowrap tabular-nums sm:align-middle',
                  item.amount > 0n && 'text-success-subtle-foreground',
                )}
              >
                {formatCredits(item.amount, { sign: true })}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

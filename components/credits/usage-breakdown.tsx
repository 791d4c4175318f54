import { formatCredits } from '@/lib/credits/format';
import {
  Table,
  TableBody,
  TableCell,
  TableFooter,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';
import { CATEGORY_COLORS, CATEGORY_LABELS } from './labels';
import type { UsageReport } from './queries';

const percent = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

/** Share of the total in basis points, computed on the bigints (no float rounding of money). */
export function shareBasisPoints(amount: bigint, total: bigint): number {
  if (total <= 0n) return 0;
  return Number((amount * 10_000n) / total);
}

/** 8_549 basis points → "85.5%". */
export function formatShare(basisPoints: number): string {
  return percent.format(basisPoints / 10_000);
}

/**
 * What each category cost in the period and its share of the total; on a phone each category
 * stacks into labelled lines (`<Table stack>`).
 */
export function UsageBreakdown({ report }: { report: UsageReport }) {
  return (
    <Table stack aria-label="Spending by category">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Category</TableHead>
          <TableHead className="text-right">Credits</TableHead>
          <TableHead className="text-right sm:w-[40%]">Share</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {report.byCategory.map(({ category, amount }) => {
          const share = shareBasisPoints(amount, report.total);
          return (
            <TableRow key={category}>
              <TableCell>
                <span className="flex items-center gap-2 font-medium">
                  <span
                    aria-hidden="true"
                    className="size-2.5 shrink-0 rounded-sm"
                    style={{ backgroundColor: CATEGORY_COLORS[category] }}
                  />
                  {CATEGORY_LABELS[category]}
                </span>
              </TableCell>
              <TableCell data-label="Credits" className="text-right tabular-nums">
                {formatCredits(amount)}
              </TableCell>
              <TableCell data-label="Share">
                <span className="flex items-center justify-end gap-3">
                  {/* Decorative: the percentage beside it is what assistive tech reads. */}
                  <span
                    aria-hidden="true"
                    className="bg-muted hidden h-2 w-full max-w-32 overflow-hidden rounded-full sm:block"
                  >
                    <span
                      className="block h-full rounded-full"
                      style={{
                        width: `${share / 100}%`,
                        backgroundColor: CATEGORY_COLORS[category],
                      }}
                    />
                  </span>
                  <span className="w-14 text-right tabular-nums">
                    {percent.format(share / 10_000)}
                  </span>
                </span>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
      <TableFooter>
        <TableRow className="hover:bg-transparent">
          <TableCell className="font-medium">Total</TableCell>
          <TableCell
            data-label="Credits"
            className="text-right tabular-nums"
            data-testid="usage-total"
          >
            {formatCredits(report.total)}
          </TableCell>
          <TableCell data-label="Share" className="text-right tabular-nums">
            {report.total > 0n ? percent.format(1) : '—'}
          </TableCell>
        </TableRow>
      </TableFooter>
    </Table>
  );
}

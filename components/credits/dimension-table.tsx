import { formatTokens } from '@/lib/aiTokens/format';
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
import type { UsageBreakdownReport } from './queries';
import { formatShare, shareBasisPoints } from './usage-breakdown';

const HEADINGS = { model: 'Model', feature: 'Feature', member: 'Member' } as const;

/**
 * AI usage by model or feature: credits charged, tokens, calls and each row's share. On a phone
 * each row stacks into labelled lines (`<Table stack>`), so no column hides sideways.
 */
export function DimensionTable({ report }: { report: UsageBreakdownReport }) {
  const heading = HEADINGS[report.view];
  const tokens = report.rows.reduce((sum, row) => sum + (row.tokens ?? 0), 0);
  const calls = report.rows.reduce((sum, row) => sum + row.events, 0);
  return (
    <Table stack aria-label={`AI usage by ${heading.toLowerCase()}`}>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>{heading}</TableHead>
          <TableHead className="text-right">Credits</TableHead>
          <TableHead className="text-right">Tokens</TableHead>
          <TableHead className="text-right">Calls</TableHead>
          <TableHead className="text-right">Share</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {report.rows.map((row) => (
          <TableRow key={row.key}>
            <TableCell>
              <span className="block font-medium sm:truncate" title={row.label}>
                {row.label}
              </span>
              {row.detail ? (
                <span className="text-muted-foreground block text-xs">{row.detail}</span>
              ) : null}
            </TableCell>
            <TableCell data-label="Credits" className="text-right tabular-nums">
              {formatCredits(row.credits)}
            </TableCell>
            <TableCell data-label="Tokens" className="text-right tabular-nums">
              {formatTokens(row.tokens ?? 0)}
            </TableCell>
            <TableCell data-label="Calls" className="text-right tabular-nums">
              {row.events.toLocaleString('en-US')}
            </TableCell>
            <TableCell data-label="Share" className="text-right tabular-nums">
              {formatShare(shareBasisPoints(row.credits, report.total))}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
      <TableFooter>
        <TableRow className="hover:bg-transparent">
          <TableCell className="font-medium">Total</TableCell>
          <TableCell data-label="Credits" className="text-right tabular-nums">
            {formatCredits(report.total)}
          </TableCell>
          <TableCell data-label="Tokens" className="text-right tabular-nums">
            {formatTokens(tokens)}
          </TableCell>
          <TableCell data-label="Calls" className="text-right tabular-nums">
            {calls.toLocaleString('en-US')}
          </TableCell>
          <TableCell data-label="Share" className="text-right tabular-nums">
            {report.total > 0n ? formatShare(10_000) : '—'}
          </TableCell>
        </TableRow>
      </TableFooter>
    </Table>
  );
}

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

/** AI usage by model or feature: credits charged, tokens, calls and each row's share. */
export function DimensionTable({ report }: { report: UsageBreakdownReport }) {
  const heading = HEADINGS[report.view];
  const tokens = report.rows.reduce((sum, row) => sum + (row.tokens ?? 0), 0);
  const calls = report.rows.reduce((sum, row) => sum + row.events, 0);
  return (
    <Table aria-label={`AI usage by ${heading.toLowerCase()}`}>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>{heading}</TableHead>
          <TableHead className="text-right">Credits</TableHead>
          <TableHead className="hidden text-right sm:table-cell">Tokens</TableHead>
          <TableHead className="hidden text-right sm:table-cell">Calls</TableHead>
          <TableHead className="text-right">Share</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {report.rows.map((row) => (
          <TableRow key={row.key}>
            <TableCell className="max-w-48 sm:max-w-none">
              <span className="block truncate font-medium" title={row.label}>
                {row.label}
              </span>
              {row.detail ? (
                <span className="text-muted-foreground block text-xs">{row.detail}</span>
              ) : null}
              {/* On a phone the token and call columns fold into this line. */}
              <span className="text-muted-foreground block text-xs sm:hidden">
                {formatTokens(row.tokens ?? 0)} tokens · {row.events.toLocaleString('en-US')} calls
              </span>
            </TableCell>
            <TableCell className="text-right tabular-nums">{formatCredits(row.credits)}</TableCell>
            <TableCell className="hidden text-right tabular-nums sm:table-cell">
              {formatTokens(row.tokens ?? 0)}
            </TableCell>
            <TableCell className="hidden text-right tabular-nums sm:table-cell">
              {row.events.toLocaleString('en-US')}
            </TableCell>
            <TableCell className="text-right tabular-nums">
              {formatShare(shareBasisPoints(row.credits, report.total))}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
      <TableFooter>
        <TableRow className="hover:bg-transparent">
          <TableCell>Total</TableCell>
          <TableCell className="text-right tabular-nums">{formatCredits(report.total)}</TableCell>
          <TableCell className="hidden text-right tabular-nums sm:table-cell">
            {formatTokens(tokens)}
          </TableCell>
          <TableCell className="hidden text-right tabular-nums sm:table-cell">
            {calls.toLocaleString('en-US')}
          </TableCell>
          <TableCell className="text-right tabular-nums">
            {report.total > 0n ? formatShare(10_000) : '—'}
          </TableCell>
        </TableRow>
      </TableFooter>
    </Table>
  );
}

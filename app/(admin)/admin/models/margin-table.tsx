import type { MarginRow } from '@/lib/admin';
import { formatCredits } from '@/lib/credits/format';
import { Badge } from '@/components/ui/badge';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';

/** Micro-USD share formatCredits' six-decimal scale; shown as dollars. */
export function formatUsd(micro: bigint): string {
  const text = formatCredits(micro);
  return text.startsWith('−') ? `−$${text.slice(1)}` : `$${text}`;
}

export function formatMarginPercent(bps: bigint | null): string {
  if (bps === null) return '—';
  const sign = bps < 0n ? '−' : '';
  const abs = bps < 0n ? -bps : bps;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}%`;
}

/** Cost, revenue and margin rows, one per model or per provider. */
export function MarginTable({
  rows,
  label,
  testId,
}: {
  rows: MarginRow[];
  label: 'Model' | 'Provider';
  testId: string;
}) {
  return (
    <div className="sm:overflow-x-auto">
      <Table stack data-testid={testId}>
        <TableHeader>
          <TableRow>
            <TableHead>{label}</TableHead>
            <TableHead className="text-right">Calls</TableHead>
            <TableHead className="text-right">Cost</TableHead>
            <TableHead className="text-right">Revenue</TableHead>
            <TableHead className="text-right">Margin</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((row) => (
            <TableRow
              key={`${row.provider}/${row.model ?? ''}`}
              data-provider={row.provider}
              data-model={row.model ?? undefined}
            >
              <TableCell>
                <span className="font-medium">{row.model ?? row.provider}</span>
                {row.model ? (
                  <span className="text-muted-foreground block text-xs">{row.provider}</span>
                ) : null}
              </TableCell>
              <TableCell data-label="Calls" className="text-right whitespace-nowrap tabular-nums">
                {row.events.toLocaleString('en-US')}
              </TableCell>
              <TableCell data-label="Cost" className="text-right whitespace-nowrap tabular-nums">
                {formatUsd(row.costMicroUsd)}
              </TableCell>
              <TableCell data-label="Revenue" className="text-right whitespace-nowrap tabular-nums">
                {formatUsd(row.revenueMicroUsd)}
                <span className="text-muted-foreground block text-xs">
                  {formatCredits(row.creditsCharged)} credits
                </span>
              </TableCell>
              <TableCell data-label="Margin" className="text-right whitespace-nowrap tabular-nums">
                {formatUsd(row.marginMicroUsd)}
                <span className="block">
                  <Badge variant={row.marginMicroUsd < 0n ? 'destructive' : 'success'}>
                    {formatMarginPercent(row.marginBps)}
                  </Badge>
                </span>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

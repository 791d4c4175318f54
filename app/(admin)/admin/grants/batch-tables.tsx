import { Badge } from '@/components/ui/badge';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';
import { formatCredits } from '@/lib/credits/format';
import { cn } from '@/lib/utils';
import type { BatchActionResult } from './batch-actions';
import type { PreviewRow } from './batch-preview';

const PREVIEW_LIMIT = 200;

/**
 * Each parsed row with what the server will do, or why it cannot. Rows with errors always show;
 * past the first 200 rows, valid ones are only counted so a 5,000-row file stays responsive.
 */
export function BatchPreviewTable({
  rows: checked,
  refused,
}: {
  rows: PreviewRow[];
  refused: { row: number; message: string } | null;
}) {
  const all = checked.map((row) =>
    row.row === refused?.row ? { ...row, errors: [...row.errors, refused.message] } : row,
  );
  const rows = all.filter((row, index) => index < PREVIEW_LIMIT || row.errors.length > 0);
  const hidden = all.length - rows.length;
  return (
    <div className="max-h-96 overflow-y-auto rounded-md border max-sm:px-3">
      <Table stack data-testid="batch-preview">
        <TableHeader>
          <TableRow>
            <TableHead className="w-12">Row</TableHead>
            <TableHead>Wallet</TableHead>
            <TableHead className="text-right">Credits</TableHead>
            <TableHead>Expires</TableHead>
            <TableHead>Key</TableHead>
            <TableHead>Check</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((row) => {
            const bad = row.errors.length > 0;
            return (
              <TableRow
                key={row.row}
                data-invalid={bad || undefined}
                className={cn(bad && 'bg-destructive-subtle hover:bg-destructive-subtle')}
              >
                <TableCell data-label="Row" className="tabular-nums">
                  {row.row}
                </TableCell>
                <TableCell data-label="Wallet">{row.target || '—'}</TableCell>
                <TableCell data-label="Credits" className="text-right tabular-nums">
                  {row.checked ? formatCredits(row.checked.amount) : row.credits || '—'}
                </TableCell>
                <TableCell data-label="Expires">{row.expiresAt || '—'}</TableCell>
                <TableCell data-label="Key" className="text-muted-foreground text-xs">
                  {row.key || 'auto'}
                </TableCell>
                <TableCell data-label="Check">
                  {bad ? (
                    <span className="text-destructive-subtle-foreground text-sm" role="note">
                      {row.errors.join(' ')}
                    </span>
                  ) : (
                    <Badge variant={row.checked && row.checked.amount < 0n ? 'warning' : 'success'}>
                      {row.checked && row.checked.amount < 0n ? 'Adjustment' : 'Grant'}
                    </Badge>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {hidden > 0 ? (
        <p className="text-muted-foreground border-t px-3 py-2 text-sm">
          and {hidden.toLocaleString('en-US')} more valid rows
        </p>
      ) : null}
    </div>
  );
}

/** What the batch did, row by row: the transfer, and whether it was already done before. */
export function BatchResultTable({ result }: { result: BatchActionResult }) {
  return (
    <section aria-labelledby="batch-result-title" className="flex flex-col gap-2">
      <h3 id="batch-result-title" className="text-sm font-semibold">
        Result: granted {formatCredits(result.granted)} credits
        {BigInt(result.adjusted) > 0n ? `, took back ${formatCredits(result.adjusted)}` : ''} ·
        batch key <code className="text-xs">{result.batchKey}</code>
      </h3>
      <div className="max-h-96 overflow-y-auto rounded-md border max-sm:px-3">
        <Table stack data-testid="batch-result">
          <TableHeader>
            <TableRow>
              <TableHead className="w-12">Row</TableHead>
              <TableHead>Wallet</TableHead>
              <TableHead className="text-right">Credits</TableHead>
              <TableHead className="text-right">Transfer</TableHead>
              <TableHead>Status</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {result.rows.map((row) => (
              <TableRow key={row.row}>
                <TableCell data-label="Row" className="tabular-nums">
                  {row.row}
                </TableCell>
                <TableCell data-label="Wallet">{row.target}</TableCell>
                <TableCell data-label="Credits" className="text-right tabular-nums">
                  {formatCredits(row.amount, { sign: true })}
                </TableCell>
                <TableCell data-label="Transfer" className="text-right tabular-nums">
                  #{row.transferId}
                </TableCell>
                <TableCell data-label="Status">
                  <Badge variant={row.replayed ? 'outline' : 'success'}>
                    {row.replayed ? 'Already applied' : 'Applied'}
                  </Badge>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </section>
  );
}

import { BarChart3 } from 'lucide-react';
import { formatCredits } from '@/lib/credits/format';
import { EmptyState } from '@/components/ui/empty-state';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';

interface MemberUsageView {
  key: string;
  name: string;
  email: string | null;
  /** Micro-credits as a decimal string. */
  spent: string;
  transactions: string;
}

/** What each member spent from the org wallet over a period, biggest first, with its share. */
export function MemberUsageTable({ rows, period }: { rows: MemberUsageView[]; period: string }) {
  if (rows.length === 0) {
    return (
      <EmptyState
        icon={BarChart3}
        title="No spending yet"
        description={`Nobody spent from the organization wallet in ${period}.`}
      />
    );
  }
  const total = rows.reduce((sum, row) => sum + BigInt(row.spent), 0n);
  return (
    <Table stack>
      <TableHeader>
        <TableRow>
          <TableHead>Member</TableHead>
          <TableHead className="text-right">Spent</TableHead>
          <TableHead className="text-right">Share</TableHead>
          <TableHead className="text-right">Transactions</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((row) => {
          const share = total === 0n ? 0n : (BigInt(row.spent) * 1000n) / total;
          return (
            <TableRow key={row.key}>
              <TableCell>
                <span className="font-medium">{row.name}</span>
                {row.email ? (
                  <span className="text-muted-foreground block text-xs">{row.email}</span>
                ) : null}
              </TableCell>
              <TableCell data-label="Spent" className="text-right tabular-nums">
                {formatCredits(row.spent)}
              </TableCell>
              <TableCell data-label="Share" className="text-right tabular-nums">
                {`${share / 10n}.${share % 10n}%`}
              </TableCell>
              <TableCell data-label="Transactions" className="text-right tabular-nums">
                {row.transactions}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

import { formatCredits } from '@/lib/credits/format';
import type { LiveLot } from '@/lib/credits';
import { LocalTime } from '@/components/billing/local-time';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';

/**
 * The credits a wallet holds that expire, lot by lot, in the order they are spent: what brought
 * them in (plan credits, rolled-over plan credits, promotions…), what is left and when it
 * expires; credits that never expire are summed in one line.
 */
export function LotsCard({ lots: all }: { lots: LiveLot[] }) {
  const lots = all.filter((lot) => lot.expiresAt !== null);
  const lasting = all
    .filter((lot) => lot.expiresAt === null)
    .reduce((sum, lot) => sum + lot.remaining, 0n);
  if (lots.length === 0) return null;
  return (
    <Card aria-labelledby="lots-title" data-testid="credit-lots">
      <CardHeader className="pb-4">
        <CardTitle as="h2" id="lots-title">
          Credits that expire
        </CardTitle>
        <CardDescription>
          Spending uses plan credits first, then the ones that expire soonest. Unused plan credits
          roll over at renewal when the plan allows it.
          {lasting > 0n ? ` ${formatCredits(lasting)} more credits never expire.` : ''}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <Table stack>
          <TableHeader>
            <TableRow>
              <TableHead>Credits</TableHead>
              <TableHead className="text-right">Left</TableHead>
              <TableHead>Expires</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {lots.map((lot) => (
              <TableRow key={lot.id.toString()} data-testid="credit-lot">
                <TableCell data-label="Credits">
                  <span className="flex flex-wrap items-center gap-2">
                    {lot.label}
                    {lot.rolledOver ? <Badge variant="info">Rolled over</Badge> : null}
                  </span>
                </TableCell>
                <TableCell data-label="Left" className="text-right tabular-nums">
                  <span className="whitespace-nowrap">
                    {formatCredits(lot.remaining)}
                    {lot.remaining !== lot.amount ? (
                      <span className="text-muted-foreground"> of {formatCredits(lot.amount)}</span>
                    ) : null}
                  </span>
                </TableCell>
                <TableCell data-label="Expires">
                  {lot.expiresAt ? (
                    <LocalTime iso={lot.expiresAt.toISOString()} withTime={false} />
                  ) : null}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

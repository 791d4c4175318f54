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
 * The credits a wallet holds, lot by lot, in the order they are spent: what brought them in
 * (plan credits, rolled-over plan credits, purchases…), what is left and when it expires.
 */
export function LotsCard({ lots }: { lots: LiveLot[] }) {
  if (lots.length === 0) return null;
  return (
    <Card aria-labelledby="lots-title" data-testid="credit-lots">
      <CardHeader className="pb-4">
        <CardTitle as="h2" id="lots-title">
          Credits by expiry
        </CardTitle>
        <CardDescription>
          Spending uses plan credits first, then the ones that expire soonest. Unused plan credits
          roll over at renewal when the plan allows it.
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
                  {formatCredits(lot.remaining)}
                  {lot.remaining !== lot.amount ? (
                    <span className="text-muted-foreground"> of {formatCredits(lot.amount)}</span>
                  ) : null}
                </TableCell>
                <TableCell data-label="Expires">
                  {lot.expiresAt ? (
                    <LocalTime iso={lot.expiresAt.toISOString()} withTime={false} />
                  ) : (
                    'Never'
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

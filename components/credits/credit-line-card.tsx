import { formatCredits } from '@/lib/credits/format';
import type { CreditLine } from '@/lib/credits';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Progress } from '@/components/ui/progress';

/**
 * Pay-as-you-go on the credits pages: the credit line, what is owed this period (postpaid usage
 * not yet paid by an invoice) and how much of the line is in use. Rendered on the server with the
 * page; the balance card above it follows spends live.
 */
export function CreditLineCard({ line, available }: { line: CreditLine; available: bigint }) {
  const inUse = available < 0n ? -available : 0n;
  const basisPoints =
    line.configuredLimit > 0n ? Number((inUse * 10_000n) / line.configuredLimit) : 0;
  const left = line.creditLimit + available > 0n ? line.creditLimit + available : 0n;
  return (
    <Card aria-labelledby="credit-line-title" data-testid="credit-line">
      <CardHeader className="pb-4">
        <CardTitle as="h2" id="credit-line-title">
          Pay-as-you-go
        </CardTitle>
        <CardDescription>
          Past your credits, spending continues on a credit line. What it uses is billed on the next
          invoice and settled when that invoice is paid.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {line.frozen ? (
          <Alert variant="destructive">
            <AlertTitle>Pay-as-you-go is paused</AlertTitle>
            <AlertDescription>
              An invoice is unpaid. Credits you have can still be spent; spending past them resumes
              once the invoice is paid.
            </AlertDescription>
          </Alert>
        ) : null}
        <dl className="grid gap-3 sm:grid-cols-3">
          <div className="flex flex-col gap-0.5">
            <dt className="text-muted-foreground text-sm">Owed this period</dt>
            <dd className="text-2xl font-semibold tabular-nums" data-testid="credit-line-owed">
              {formatCredits(line.owed)}
            </dd>
            <dd className="text-muted-foreground text-xs">
              {formatCredits(line.usedThisMonth)} used on credit this month
            </dd>
          </div>
          <div className="flex flex-col gap-0.5">
            <dt className="text-muted-foreground text-sm">Credit limit</dt>
            <dd className="text-2xl font-semibold tabular-nums" data-testid="credit-line-limit">
              {formatCredits(line.configuredLimit)}
            </dd>
            <dd className="text-muted-foreground text-xs">
              {line.override ? 'Set for this wallet by support' : 'From the plan'}
            </dd>
          </div>
          <div className="flex flex-col gap-0.5">
            <dt className="text-muted-foreground text-sm">Left to spend</dt>
            <dd className="text-2xl font-semibold tabular-nums">{formatCredits(left)}</dd>
            <dd className="text-muted-foreground text-xs">Credits plus what the line has left</dd>
          </div>
        </dl>
        {line.configuredLimit > 0n ? (
          <div className="flex flex-col gap-1.5">
            <Progress
              value={Math.min(basisPoints / 100, 100)}
              label="Credit line in use"
              variant={
                basisPoints >= 9_500 ? 'danger' : basisPoints >= 8_000 ? 'warning' : 'default'
              }
            />
            <p className="text-muted-foreground text-xs">
              {formatCredits(inUse)} of {formatCredits(line.configuredLimit)} credits of the line in
              use
            </p>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

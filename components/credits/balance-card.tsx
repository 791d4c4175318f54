'use client';

import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  CircleAlert,
  Clock,
  Hourglass,
  Scale,
  Snowflake,
  TriangleAlert,
  type LucideIcon,
} from 'lucide-react';
import { formatCredits } from '@/lib/credits/format';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import type { WalletScope } from './credits-config';
import { balanceLevel } from './labels';
import { LocalDate } from './local-date';
import { GrantProgress } from './grant-progress';
import {
  creditsKeys,
  errorMessage,
  fetchGrantProgress,
  fetchSummary,
  type PeriodGrantProgress,
  type WalletSummary,
} from './queries';

interface BalanceCardProps {
  scope: WalletScope;
  initialSummary: WalletSummary;
  /** This plan period's credit grant against spending (server-rendered first). */
  initialGrant: PeriodGrantProgress;
  /** Whose wallet this is, e.g. "Your credits" or "Acme AI credits". */
  title: string;
}

/** Available credits, what holds reserve, what expires soon, and whether the wallet is frozen. */
export function BalanceCard({ scope, initialSummary, initialGrant, title }: BalanceCardProps) {
  const { data = initialSummary, error } = useQuery({
    queryKey: creditsKeys.summary(scope),
    queryFn: ({ signal }) => fetchSummary(scope, signal),
    initialData: initialSummary,
  });
  const { data: grant = initialGrant } = useQuery({
    queryKey: creditsKeys.grant(scope),
    queryFn: ({ signal }) => fetchGrantProgress(scope, signal),
    initialData: initialGrant,
  });
  const level = balanceLevel(data.available);

  return (
    <Card aria-labelledby="balance-title">
      <CardHeader className="pb-4">
        <CardTitle as="h2" id="balance-title">
          {title}
        </CardTitle>
        <CardDescription>
          Available now, after what is on hold for requests in progress.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-5">
        <div className="flex flex-wrap items-end gap-x-3 gap-y-2">
          <p className="flex items-baseline gap-2">
            <span
              className="text-4xl font-semibold tracking-tight tabular-nums"
              data-testid="balance-available"
            >
              {formatCredits(data.available)}
            </span>
            <span className="text-muted-foreground text-sm">
              {data.available < 0n ? 'credits (owed on pay-as-you-go)' : 'credits available'}
            </span>
          </p>
          <div className="flex flex-wrap gap-2 pb-1">
            {data.frozen ? (
              <Badge variant="destructive">
                <Snowflake aria-hidden="true" />
                Frozen
              </Badge>
            ) : null}
            {data.creditLimit > 0n ? null : level === 'critical' ? (
              <Badge variant="destructive">
                <CircleAlert aria-hidden="true" />
                Almost empty
              </Badge>
            ) : level === 'low' ? (
              <Badge variant="warning">
                <TriangleAlert aria-hidden="true" />
                Low balance
              </Badge>
            ) : null}
          </div>
        </div>

        {data.frozen ? (
          <Alert variant="destructive">
            <AlertTitle>This wallet is frozen</AlertTitle>
            <AlertDescription>
              Nothing can be spent from it until support lifts the freeze. Your credits are safe and
              still shown here; contact support to find out why it was frozen.
            </AlertDescription>
          </Alert>
        ) : null}

        <dl className="grid gap-3 sm:grid-cols-3">
          <Stat icon={Hourglass} label="On hold" value={formatCredits(data.pending)}>
            {data.pending > 0n
              ? 'Reserved by requests still running.'
              : 'Nothing reserved right now.'}
          </Stat>
          <Stat
            icon={Clock}
            label="Expiring within 30 days"
            value={formatCredits(data.expiringSoon)}
          >
            {data.nextExpiryAt ? (
              <>
                Next expiry <LocalDate value={data.nextExpiryAt} format="date" />
              </>
            ) : (
              'No credits are set to expire.'
            )}
          </Stat>
          <Stat icon={Scale} label="Balance incl. holds" value={formatCredits(data.balance)}>
            Available plus what is on hold.
          </Stat>
        </dl>

        <GrantProgress grant={grant} scope={scope} />

        {error ? (
          <p className="text-muted-foreground text-xs" role="status">
            Could not refresh the balance: {errorMessage(error)} Showing the last known figures.
          </p>
        ) : null}
      </CardContent>
    </Card>
  );
}

function Stat({
  icon: Icon,
  label,
  value,
  children,
}: {
  icon: LucideIcon;
  label: string;
  value: string;
  children: ReactNode;
}) {
  return (
    <div className="bg-muted/40 flex flex-col gap-1 rounded-md border p-3">
      <dt className="text-muted-foreground flex items-center gap-1.5 text-xs font-medium">
        <Icon aria-hidden="true" className="size-3.5" />
        {label}
      </dt>
      <dd className="text-lg font-semibold tabular-nums">{value}</dd>
      <dd className="text-muted-foreground text-xs">{children}</dd>
    </div>
  );
}

'use client';

import { CalendarClock } from 'lucide-react';
import { formatCredits } from '@/lib/credits/format';
import { Progress } from '@/components/ui/progress';
import type { WalletScope } from './credits-config';
import { formatBasisPoints, severityAt } from './limits';
import { LocalDate } from './local-date';
import type { PeriodGrantProgress } from './queries';

const barVariant = { info: 'default', warning: 'warning', destructive: 'danger' } as const;

/** "X of Y credits of this period's plan grant used", with a bar that warns at 95 % and 100 %. */
export function GrantProgress({
  grant,
  scope,
}: {
  grant: PeriodGrantProgress;
  scope: WalletScope;
}) {
  const renews = <LocalDate value={grant.periodEnd} format="date" />;
  if (grant.grant <= 0n) {
    return (
      <p
        className="text-muted-foreground flex items-start gap-2 text-sm"
        data-testid="grant-progress"
      >
        <CalendarClock aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
        <span>
          {scope.type === 'personal' ? 'Your' : 'The organization’s'} {grant.planName} plan includes
          no monthly credits, so everything here was bought or granted. The plan period renews{' '}
          {renews}.
        </span>
      </p>
    );
  }

  const spent = formatCredits(grant.spent);
  const total = formatCredits(grant.grant);
  const percent = formatBasisPoints(grant.usedBasisPoints);
  const severity = severityAt(grant.usedBasisPoints);
  const beyond = grant.spent > grant.grant ? grant.spent - grant.grant : 0n;

  return (
    <div className="flex flex-col gap-2" data-testid="grant-progress">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-sm">
        <p id="grant-progress-label">
          <span className="font-semibold tabular-nums" data-testid="grant-spent">
            {spent}
          </span>{' '}
          of{' '}
          <span className="font-semibold tabular-nums" data-testid="grant-total">
            {total}
          </span>{' '}
          credits of this period&apos;s {grant.planName} plan grant used
        </p>
        <p className="text-muted-foreground text-xs tabular-nums">
          {percent} · renews {renews}
        </p>
      </div>
      <Progress
        aria-labelledby="grant-progress-label"
        value={Math.min(grant.usedBasisPoints, 10_000)}
        max={10_000}
        valueText={`${spent} of ${total} credits used (${percent})`}
        variant={severity ? barVariant[severity] : 'default'}
      />
      {beyond > 0n ? (
        <p className="text-muted-foreground text-xs">
          {formatCredits(beyond)} credits beyond the grant came from purchased or bonus credits.
        </p>
      ) : null}
    </div>
  );
}

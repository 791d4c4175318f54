'use client';

import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Progress } from '@/components/ui/progress';
import { LocalDate } from '@/components/credits/local-date';
import { formatTokens } from '@/lib/aiTokens/format';
import { percentOf, usageLevel, type TokenBalanceView, type UsageLevel } from './queries';

const levelView: Record<
  UsageLevel,
  {
    badge: string;
    variant: 'success' | 'warning' | 'destructive';
    bar: 'success' | 'warning' | 'danger';
  }
> = {
  ok: { badge: 'Healthy', variant: 'success', bar: 'success' },
  warning: { badge: '80 % used', variant: 'warning', bar: 'warning' },
  critical: { badge: 'Almost spent', variant: 'destructive', bar: 'danger' },
  exhausted: { badge: 'Spent', variant: 'destructive', bar: 'danger' },
};

/** One feature's allowance this period: used against allowed, what is left, and its status. */
export function AllowanceCard({ balance }: { balance: TokenBalanceView }) {
  const used = balance.allowance - balance.balance;
  const percent = percentOf(used, balance.allowance);
  const level = balance.allowance === 0 ? 'exhausted' : usageLevel(percent);
  const view = levelView[level];
  return (
    <Card data-testid={`allowance-${balance.tokenType}`} data-level={level}>
      <CardHeader className="flex-row items-start justify-between gap-2 pb-3">
        <div className="flex min-w-0 flex-col gap-1">
          <CardTitle as="h3">{balance.label}</CardTitle>
          <p className="text-muted-foreground text-xs">
            {formatTokens(balance.costPerAction)} {balance.costPerAction === 1 ? 'unit' : 'units'}{' '}
            per action
          </p>
        </div>
        <Badge variant={balance.allowance === 0 ? 'outline' : view.variant}>
          {balance.allowance === 0 ? 'Not in plan' : view.badge}
        </Badge>
      </CardHeader>
      <CardContent className="flex flex-col gap-2">
        <Progress
          value={used}
          max={balance.allowance}
          variant={view.bar}
          label={`${balance.label} allowance used`}
          valueText={`${formatTokens(used)} of ${formatTokens(balance.allowance)} units used`}
        />
        <div className="flex flex-wrap items-baseline justify-between gap-x-3 text-sm tabular-nums">
          <span>
            <span className="font-medium">{formatTokens(balance.balance)}</span>
            <span className="text-muted-foreground">
              {' '}
              of {formatTokens(balance.allowance)} left
            </span>
          </span>
          <span className="text-muted-foreground text-xs">{percent} % used</span>
        </div>
        <p className="text-muted-foreground text-xs">
          {balance.actionsLeft.toLocaleString('en-US')} actions left
          {balance.reserved > 0 ? ` · ${formatTokens(balance.reserved)} held by running jobs` : ''}
          {' · refreshes '}
          <LocalDate value={new Date(balance.refreshAt)} format="date" />
        </p>
      </CardContent>
    </Card>
  );
}

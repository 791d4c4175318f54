'use client';

import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ChartColumn, RotateCcw } from 'lucide-react';
import { formatCredits } from '@/lib/credits/format';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { BreakdownCard } from './breakdown-card';
import { DEFAULT_USAGE_PERIOD, type WalletScope } from './credits-config';
import { periodLabel, PeriodSwitcher } from './period-switcher';
import {
  creditsKeys,
  errorMessage,
  fetchUsage,
  type UsagePeriod,
  type UsageReport,
} from './queries';
import { UsageChart } from './usage-chart';

interface UsagePanelProps {
  scope: WalletScope;
  /** The server-rendered report for DEFAULT_USAGE_PERIOD. */
  initialReport: UsageReport;
  /** Org owners and admins may break spending down by member. */
  showMembers?: boolean;
}

/**
 * Daily spending by category for 7, 30 or 90 days, with a breakdown by category, model, feature
 * and (org owners and admins) member.
 */
export function UsagePanel({ scope, initialReport, showMembers = false }: UsagePanelProps) {
  const [period, setPeriod] = useState<UsagePeriod>(DEFAULT_USAGE_PERIOD);
  const { data, error, isFetching, isPlaceholderData, refetch } = useQuery({
    queryKey: creditsKeys.usage(scope, period),
    queryFn: ({ signal }) => fetchUsage(scope, period, signal),
    initialData: period === DEFAULT_USAGE_PERIOD ? initialReport : undefined,
    placeholderData: keepPreviousData,
  });
  const updating = isFetching && isPlaceholderData;
  const isEmpty = data !== undefined && data.byCategory.length === 0;

  return (
    <div className="flex flex-col gap-4">
      <Card>
        <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
          <div className="flex flex-col gap-1.5">
            <CardTitle as="h2">Daily usage</CardTitle>
            <CardDescription>
              {periodLabel(period)}
              {data && !isEmpty ? (
                <>
                  {' · '}
                  <span className="text-foreground font-medium tabular-nums">
                    {formatCredits(data.total)} credits
                  </span>{' '}
                  spent
                </>
              ) : null}
            </CardDescription>
          </div>
          <PeriodSwitcher value={period} onChange={setPeriod} />
        </CardHeader>
        <CardContent
          aria-busy={updating}
          className={updating ? 'opacity-60 transition-opacity' : undefined}
        >
          <p className="sr-only" role="status">
            {updating ? `Loading ${periodLabel(period).toLowerCase()}…` : ''}
          </p>
          {error && !data ? (
            <Alert variant="destructive">
              <AlertTitle>Usage could not be loaded</AlertTitle>
              <AlertDescription className="flex flex-col items-start gap-2">
                {errorMessage(error)}
                <Button variant="outline" size="sm" onClick={() => void refetch()}>
                  <RotateCcw aria-hidden="true" />
                  Try again
                </Button>
              </AlertDescription>
            </Alert>
          ) : !data ? null : isEmpty ? (
            <EmptyState
              icon={ChartColumn}
              headingLevel="h3"
              title={`No usage in the ${periodLabel(period).toLowerCase()}`}
              description={
                scope.type === 'personal'
                  ? 'Credits you spend on AI features, templates and premium tools appear here, day by day. Try the AI assistant to get started.'
                  : 'Credits that members of this organization spend appear here, day by day.'
              }
              action={
                period !== '90d' ? (
                  <Button variant="outline" size="sm" onClick={() => setPeriod('90d')}>
                    Show the last 90 days
                  </Button>
                ) : undefined
              }
            />
          ) : (
            <UsageChart report={data} />
          )}
        </CardContent>
      </Card>

      {data && !isEmpty ? (
        <BreakdownCard
          scope={scope}
          report={data}
          period={period}
          showMembers={showMembers}
          dimmed={updating}
        />
      ) : null}
    </div>
  );
}

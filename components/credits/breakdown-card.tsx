'use client';

import { useState } from 'react';
import dynamic from 'next/dynamic';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { RotateCcw } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import type { WalletScope } from './credits-config';
import { periodLabel } from './period-switcher';
import {
  creditsKeys,
  errorMessage,
  fetchBreakdown,
  type BreakdownView,
  type UsagePeriod,
  type UsageReport,
} from './queries';
import { SegmentedControl, type SegmentedOption } from './segmented-control';
import { UsageBreakdown } from './usage-breakdown';

type View = 'category' | BreakdownView;

function BreakdownLoading() {
  return (
    <div className="flex flex-col gap-2" role="status">
      <span className="sr-only">Loading the breakdown…</span>
      <Skeleton className="h-8 w-full" />
      <Skeleton className="h-8 w-full" />
      <Skeleton className="h-8 w-2/3" />
    </div>
  );
}

// The category view comes with the page. The tables by model, feature and member load when one
// of them is first chosen, alongside that view's report: the choice itself is taken at once (the
// control and the query live in this module), only the table's code arrives with the data.
const LazyBreakdownView = dynamic(
  () => import('./breakdown-views').then((module) => module.BreakdownView),
  { loading: BreakdownLoading },
);

const DESCRIPTIONS: Record<View, string> = {
  category: 'Where the credits went',
  model: 'AI calls by model: credits charged and tokens',
  feature: 'AI calls by feature: credits charged and tokens',
  member: 'What each member spent from the organization wallet',
};

/**
 * Spending in the chart's period, broken down by category (from the report already loaded), or
 * by model, feature or — for org owners and admins — member (each fetched when first chosen).
 */
export function BreakdownCard({
  scope,
  report,
  period,
  showMembers,
  dimmed,
}: {
  scope: WalletScope;
  report: UsageReport;
  period: UsagePeriod;
  showMembers: boolean;
  dimmed: boolean;
}) {
  const [view, setView] = useState<View>('category');
  const options: SegmentedOption<View>[] = [
    { value: 'category', label: 'Category' },
    { value: 'model', label: 'Model' },
    { value: 'feature', label: 'Feature' },
    ...(showMembers ? [{ value: 'member' as const, label: 'Member' }] : []),
  ];
  const dimension = view === 'category' ? null : view;
  const { data, error, isPending, isFetching, isPlaceholderData, refetch } = useQuery({
    queryKey: creditsKeys.breakdown(scope, dimension ?? 'model', period),
    queryFn: ({ signal }) => fetchBreakdown(scope, dimension ?? 'model', period, signal),
    enabled: dimension !== null,
    placeholderData: keepPreviousData,
  });
  const stale = dimension !== null && isFetching && (isPlaceholderData || data?.view !== dimension);
  const periodText = periodLabel(period).toLowerCase();

  let body;
  if (dimension === null) {
    body = <UsageBreakdown report={report} />;
  } else if (error && !data) {
    body = (
      <Alert variant="destructive">
        <AlertTitle>This breakdown could not be loaded</AlertTitle>
        <AlertDescription className="flex flex-col items-start gap-2">
          {errorMessage(error)}
          <Button variant="outline" size="sm" onClick={() => void refetch()}>
            <RotateCcw aria-hidden="true" />
            Try again
          </Button>
        </AlertDescription>
      </Alert>
    );
  } else if (isPending || !data) {
    body = <BreakdownLoading />;
  } else {
    body = <LazyBreakdownView scope={scope} report={data} periodText={periodText} />;
  }

  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
        <div className="flex flex-col gap-1.5">
          <CardTitle as="h2">Breakdown</CardTitle>
          <CardDescription>
            {DESCRIPTIONS[view]} in the {periodText}.
          </CardDescription>
        </div>
        <SegmentedControl
          legend="Break usage down by"
          options={options}
          value={view}
          onChange={setView}
        />
      </CardHeader>
      <CardContent
        aria-busy={stale || dimmed}
        className={stale || dimmed ? 'opacity-60 transition-opacity' : undefined}
      >
        {body}
      </CardContent>
    </Card>
  );
}

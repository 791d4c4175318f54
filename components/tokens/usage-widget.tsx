'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { Sparkles, TriangleAlert } from 'lucide-react';
import { cn } from '@/lib/utils';
import { formatTokens } from '@/lib/aiTokens/format';
import { Progress } from '@/components/ui/progress';
import { Skeleton } from '@/components/ui/skeleton';
import { LocalDate } from '@/components/credits/local-date';
import { fetchQuota, quotaKey } from './quota';

const REFRESH_MS = 60_000;
const WARN_AT = 80;

/**
 * LLM tokens this period against the plan's monthly limit (the viewer's own), for the sidebar.
 * Above 80 % it turns amber and says so.
 */
export function UsageWidget() {
  const { data, isPending, isError } = useQuery({
    queryKey: quotaKey(null),
    queryFn: ({ signal }) => fetchQuota(null, signal),
    refetchInterval: REFRESH_MS,
  });

  if (isPending) {
    return (
      <div role="status" className="flex flex-col gap-2 p-3">
        <span className="sr-only">Loading your AI usage…</span>
        <Skeleton className="h-4 w-24" />
        <Skeleton className="h-2 w-full" />
      </div>
    );
  }
  if (isError) {
    return <p className="text-muted-foreground p-3 text-xs">AI usage is unavailable right now.</p>;
  }

  const warn = data.percentUsed !== null && data.percentUsed >= WARN_AT;
  return (
    <Link
      href="/allowances"
      data-testid="usage-widget"
      data-warning={warn}
      className={cn(
        'hover:bg-muted flex flex-col gap-2 rounded-lg border p-3 text-xs transition-colors',
        warn && 'border-warning/40 bg-warning-subtle text-warning-subtle-foreground',
      )}
    >
      <span className="flex items-center gap-1.5 text-sm font-medium">
        {warn ? (
          <TriangleAlert aria-hidden="true" className="size-4" />
        ) : (
          <Sparkles aria-hidden="true" className="size-4" />
        )}
        AI usage
      </span>
      {data.limit === null ? (
        <span className="tabular-nums">{formatTokens(data.used)} LLM tokens · unlimited</span>
      ) : (
        <>
          <Progress
            value={data.used}
            max={data.limit}
            variant={warn ? 'warning' : 'default'}
            label="LLM tokens used this period"
            valueText={`${formatTokens(data.used)} of ${formatTokens(data.limit)} LLM tokens`}
          />
          <span className="tabular-nums">
            {formatTokens(data.used)} of {formatTokens(data.limit)} LLM tokens ({data.percentUsed}{' '}
            %)
          </span>
        </>
      )}
      <span className="text-muted-foreground">
        {warn ? 'Running low · ' : ''}
        {data.planName} · resets <LocalDate value={new Date(data.periodEnd)} format="date" />
      </span>
    </Link>
  );
}

'use client';

import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { LocalDate } from '@/components/credits/local-date';
import { AllowanceCard } from '@/components/tokens/allowance-card';
import {
  fetchTokenStats,
  percentOf,
  tokensKeys,
  usageLevel,
  type TokenStatsView,
} from '@/components/tokens/queries';
import { UpgradeBlock } from '@/components/tokens/upgrade-block';
import { formatTokens } from '@/lib/aiTokens/format';

export interface AllowancesSubjectOption {
  /** null = the viewer's own allowances. */
  orgId: string | null;
  slug: string | null;
  label: string;
}

interface AllowancesClientProps {
  subject: AllowancesSubjectOption;
  options: AllowancesSubjectOption[];
  planName: string;
  initial: TokenStatsView;
}

/** The live half of /allowances: allowances per feature, warnings, refresh, and the subject picker. */
export function AllowancesClient({ subject, options, planName, initial }: AllowancesClientProps) {
  const router = useRouter();
  const { data, isFetching, isError, error, refetch } = useQuery({
    queryKey: tokensKeys.stats(subject.orgId),
    queryFn: ({ signal }) => fetchTokenStats(subject.orgId, signal),
    initialData: initial,
    staleTime: 15_000,
  });
  const balances = data.balances;
  const hasAiFeatures = balances.some((row) => row.allowance > 0);
  const inPlan = balances.filter((row) => row.allowance > 0);
  const nextRefresh = inPlan
    .map((row) => row.refreshAt)
    .sort()
    .at(0);
  const warnings = inPlan
    .map((row) => ({
      row,
      level: usageLevel(percentOf(row.allowance - row.balance, row.allowance)),
    }))
    .filter((item) => item.level !== 'ok');

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        {options.length > 1 ? (
          <div className="flex w-64 max-w-full flex-col gap-1.5">
            <Label htmlFor="allowances-subject">Allowances of</Label>
            <Select
              id="allowances-subject"
              value={subject.slug ?? ''}
              onChange={(event) =>
                router.push(
                  event.target.value ? `/allowances?org=${event.target.value}` : '/allowances',
                )
              }
            >
              {options.map((option) => (
                <option key={option.slug ?? 'personal'} value={option.slug ?? ''}>
                  {option.label}
                </option>
              ))}
            </Select>
          </div>
        ) : (
          <div />
        )}
        <div className="flex items-center gap-3">
          <p className="text-muted-foreground text-sm" data-testid="next-refresh">
            {nextRefresh ? (
              <>
                Next refresh <LocalDate value={new Date(nextRefresh)} format="date" />
              </>
            ) : (
              `${planName} plan`
            )}
          </p>
          <Button
            variant="outline"
            size="sm"
            onClick={() => void refetch()}
            disabled={isFetching}
            aria-label="Refresh allowances"
          >
            <RefreshCw aria-hidden="true" className={isFetching ? 'animate-spin' : undefined} />
            Refresh
          </Button>
        </div>
      </div>

      {isError ? (
        <Alert variant="destructive">
          <AlertTitle>Could not refresh allowances</AlertTitle>
          <AlertDescription>{error.message}</AlertDescription>
        </Alert>
      ) : null}

      {!hasAiFeatures ? (
        <UpgradeBlock planName={planName} />
      ) : (
        <>
          {warnings.map(({ row, level }) => (
            <Alert
              key={row.tokenType}
              variant={level === 'warning' ? 'warning' : 'destructive'}
              data-testid={`warning-${row.tokenType}`}
            >
              <AlertTitle>
                {level === 'exhausted'
                  ? `${row.label}: allowance spent`
                  : `${row.label}: ${percentOf(row.allowance - row.balance, row.allowance)} % used`}
              </AlertTitle>
              <AlertDescription>
                {level === 'exhausted'
                  ? 'This feature is paused until the allowance refreshes'
                  : `${formatTokens(row.balance)} units left until the refresh`}{' '}
                on <LocalDate value={new Date(row.refreshAt)} format="date" />.
              </AlertDescription>
            </Alert>
          ))}
          <section aria-labelledby="allowances-heading" className="flex flex-col gap-3">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h2 id="allowances-heading" className="text-lg font-semibold">
                Allowances on {planName}
              </h2>
              <p className="text-muted-foreground text-sm tabular-nums">
                {formatTokens(data.usage.total.tokens)} units in {data.usage.total.events} uses,
                last 30 days
              </p>
            </div>
            <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
              {balances.map((row) => (
                <AllowanceCard key={row.tokenType} balance={row} />
              ))}
            </div>
          </section>
        </>
      )}
    </div>
  );
}

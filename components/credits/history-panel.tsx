'use client';

import { useMemo, useState, useSyncExternalStore } from 'react';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Download, ReceiptText, RotateCcw, SearchX } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button, buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { cn } from '@/lib/utils';
import type { WalletScope } from './credits-config';
import {
  hasFilters,
  HistoryFilters,
  NO_FILTERS,
  toHistoryQuery,
  type HistoryFilterValues,
} from './history-filters';
import { HistoryTable } from './history-table';
import {
  creditsKeys,
  errorMessage,
  fetchHistoryPage,
  historyExportUrl,
  type TransactionPage,
} from './queries';

interface HistoryPanelProps {
  scope: WalletScope;
  /** The server-rendered first page without filters. */
  initialPage: TransactionPage;
}

const noopSubscribe = () => () => {};

/** Every movement of the wallet, newest first, filterable, paged with a cursor, exportable. */
export function HistoryPanel({ scope, initialPage }: HistoryPanelProps) {
  const [filters, setFilters] = useState<HistoryFilterValues>(NO_FILTERS);
  const { query, error: filterError } = useMemo(() => toHistoryQuery(filters), [filters]);
  const filtered = hasFilters(filters);
  const activeQuery = query ?? {};
  // The server's first page only while it is the page as served: a tab opened later reads the
  // history as it is then (money may have moved meanwhile).
  const hydrating = !useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );
  const [servedWithPage] = useState(hydrating);

  const history = useInfiniteQuery({
    queryKey: creditsKeys.history(scope, activeQuery),
    queryFn: ({ pageParam, signal }) => fetchHistoryPage(scope, activeQuery, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    initialData:
      filtered || !servedWithPage ? undefined : { pages: [initialPage], pageParams: [null] },
    placeholderData: keepPreviousData,
    enabled: !filterError,
  });
  const items = useMemo(
    () => history.data?.pages.flatMap((page) => page.items) ?? [],
    [history.data],
  );
  const updating = history.isFetching && history.isPlaceholderData;

  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
        <div className="flex flex-col gap-1.5">
          <CardTitle as="h2">Transactions</CardTitle>
          <CardDescription>Newest first, in your time zone.</CardDescription>
        </div>
        <a
          href={filterError ? undefined : historyExportUrl(scope, activeQuery)}
          download
          aria-disabled={filterError ? true : undefined}
          className={buttonVariants({ variant: 'outline', size: 'sm' })}
        >
          <Download aria-hidden="true" />
          Export CSV
        </a>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <HistoryFilters values={filters} onChange={setFilters} error={filterError} />

        <p className="sr-only" role="status">
          {updating ? 'Loading transactions…' : ''}
        </p>

        {history.isError && items.length === 0 ? (
          <Alert variant="destructive">
            <AlertTitle>Transactions could not be loaded</AlertTitle>
            <AlertDescription className="flex flex-col items-start gap-2">
              {errorMessage(history.error)}
              <Button variant="outline" size="sm" onClick={() => void history.refetch()}>
                <RotateCcw aria-hidden="true" />
                Try again
              </Button>
            </AlertDescription>
          </Alert>
        ) : history.isPending ? (
          <p className="text-muted-foreground py-6 text-center text-sm">Loading transactions…</p>
        ) : items.length === 0 ? (
          filtered ? (
            <EmptyState
              icon={SearchX}
              title="No transactions match these filters"
              description="Try another type or category, or widen the dates."
              action={
                <Button variant="outline" size="sm" onClick={() => setFilters(NO_FILTERS)}>
                  Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon={ReceiptText}
              title="No transactions yet"
              description={
                scope.type === 'personal'
                  ? 'Credits you receive and spend are listed here. Once you use an AI feature or receive credits, the first entry appears.'
                  : 'Credits the organization receives and its members spend are listed here.'
              }
            />
          )
        ) : (
          <div
            aria-busy={updating}
            className={cn(
              'overflow-hidden rounded-md border',
              updating && 'opacity-60 transition-opacity',
            )}
          >
            <HistoryTable items={items} />
          </div>
        )}

        {items.length > 0 ? (
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p className="text-muted-foreground text-sm" aria-live="polite">
              Showing {items.length} {items.length === 1 ? 'transaction' : 'transactions'}
              {history.hasNextPage ? '' : ' — that is all of them'}
            </p>
            {history.hasNextPage ? (
              <Button
                variant="outline"
                onClick={() => void history.fetchNextPage()}
                disabled={history.isFetchingNextPage}
              >
                {history.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </Button>
            ) : null}
          </div>
        ) : null}
        {history.isFetchNextPageError ? (
          <p className="text-destructive text-sm" role="alert">
            More transactions could not be loaded: {errorMessage(history.error)}
          </p>
        ) : null}
      </CardContent>
    </Card>
  );
}

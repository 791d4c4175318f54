'use client';

import { useEffect, useRef, useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { CircleStop, Download, Maximize2 } from 'lucide-react';
import { cn } from '@/lib/utils';
import { formatCredits } from '@/lib/credits/format';
import { invalidateCredits } from '@/components/credits/queries';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button, buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Progress } from '@/components/ui/progress';
import { Skeleton } from '@/components/ui/skeleton';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';
import { batchApi, batchKeys, isActive, type BatchView } from './batch-api';
import { BatchStatusBadge } from './batch-status';

/** One batch: live progress (polled while it runs), totals, results, and cancel. */
const PAGE = 100;

/** `standalone`: on the batch's own page (no link to itself, results not height-capped). */
export function BatchDetail({
  batchId,
  standalone = false,
}: {
  batchId: string;
  standalone?: boolean;
}) {
  const queryClient = useQueryClient();
  const [limit, setLimit] = useState(PAGE);
  const query = useQuery({
    queryKey: batchKeys.page(batchId, limit),
    queryFn: () => batchApi.get(batchId, limit),
    placeholderData: keepPreviousData,
    refetchInterval: (current) =>
      current.state.data && !isActive(current.state.data.batch.status) ? false : 1500,
  });
  // Once a running batch finishes, its holds are settled or released: refresh the balances.
  const status = query.data?.batch.status;
  const sawActive = useRef(false);
  useEffect(() => {
    if (!status) return;
    if (isActive(status)) sawActive.current = true;
    else if (sawActive.current) {
      sawActive.current = false;
      void invalidateCredits(queryClient);
    }
  }, [status, queryClient]);
  const cancel = useMutation({
    mutationFn: () => batchApi.cancel(batchId),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: batchKeys.one(batchId) });
      void queryClient.invalidateQueries({ queryKey: ['ai', 'batches'] });
      void invalidateCredits(queryClient);
    },
  });

  if (query.isPending) return <Skeleton className="h-64 w-full" />;
  if (query.isError) {
    return (
      <Alert variant="destructive">
        <AlertTitle>Could not load the batch</AlertTitle>
        <AlertDescription>{query.error.message}</AlertDescription>
      </Alert>
    );
  }
  const { batch, items } = query.data;
  // Processed items fill the bar; cancelled ones never ran, so they do not count as progress.
  const processed = batch.progress.done + batch.progress.failed;
  const cancelled = batch.progress.cancelled;

  return (
    <Card className="min-w-0" data-testid="batch-detail">
      <CardHeader className="flex flex-row flex-wrap items-start justify-between gap-3">
        <div className="flex min-w-0 flex-col gap-1">
          <CardTitle as="h2" className="flex items-center gap-2">
            Batch of {batch.itemCount.toLocaleString('en-US')}
            <BatchStatusBadge status={batch.status} />
          </CardTitle>
          <CardDescription>
            {batch.feature.replace('_', ' ')} on {batch.model}, started{' '}
            {new Date(batch.createdAt).toLocaleString('en-US', {
              dateStyle: 'medium',
              timeStyle: 'short',
            })}
          </CardDescription>
        </div>
        <div className="flex flex-wrap gap-2">
          {isActive(batch.status) ? (
            <Button
              variant="outline"
              size="sm"
              onClick={() => cancel.mutate()}
              disabled={cancel.isPending}
            >
              <CircleStop aria-hidden="true" />
              {cancel.isPending ? 'Cancelling…' : 'Cancel the rest'}
            </Button>
          ) : null}
          <a
            href={`/api/ai/batch/${batch.id}/export?format=csv`}
            download
            className={buttonVariants({ variant: 'outline', size: 'sm' })}
          >
            <Download aria-hidden="true" />
            CSV
          </a>
          <a
            href={`/api/ai/batch/${batch.id}/export?format=jsonl`}
            download
            className={buttonVariants({ variant: 'outline', size: 'sm' })}
          >
            <Download aria-hidden="true" />
            JSONL
          </a>
          {standalone ? null : (
            <Link
              href={`/ai/batches/${batch.id}`}
              className={buttonVariants({ variant: 'outline', size: 'sm' })}
            >
              <Maximize2 aria-hidden="true" />
              Open
            </Link>
          )}
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <Progress
          value={processed}
          max={batch.itemCount}
          label="Batch progress"
          valueText={`${processed} of ${batch.itemCount} items processed${cancelled > 0 ? `, ${cancelled} cancelled` : ''}`}
          variant={batch.progress.failed > 0 ? 'warning' : 'default'}
        />
        <Totals batch={batch} />
        {batch.error ? (
          <Alert>
            <AlertTitle>Stopped</AlertTitle>
            <AlertDescription>{batch.error}</AlertDescription>
          </Alert>
        ) : null}
        {cancel.isError ? (
          <Alert variant="destructive" role="alert">
            <AlertDescription>{cancel.error.message}</AlertDescription>
          </Alert>
        ) : null}
        <div
          className={cn('rounded-md border sm:overflow-auto', !standalone && 'sm:max-h-[32rem]')}
        >
          <Table stack>
            <TableHeader>
              <TableRow>
                <TableHead className="w-12">#</TableHead>
                <TableHead className="w-1/4">Item</TableHead>
                <TableHead className="w-24">Status</TableHead>
                <TableHead>Result</TableHead>
                <TableHead className="w-24 text-right">Credits</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((item) => (
                <TableRow key={item.index} className="max-sm:px-3">
                  <TableCell
                    data-label="#"
                    className="text-muted-foreground align-top tabular-nums"
                  >
                    {item.index + 1}
                  </TableCell>
                  <TableCell
                    data-label="Item"
                    className="align-top text-sm break-words whitespace-normal"
                  >
                    {item.input}
                  </TableCell>
                  <TableCell data-label="Status" className="align-top">
                    <BatchStatusBadge status={item.status} />
                  </TableCell>
                  <TableCell
                    data-label="Result"
                    className="align-top text-sm break-words whitespace-pre-wrap"
                  >
                    {item.result ?? (
                      <span className="text-muted-foreground">
                        {item.error ?? (item.status === 'cancelled' ? 'Not run' : 'Waiting…')}
                      </span>
                    )}
                  </TableCell>
                  <TableCell data-label="Credits" className="text-right align-top tabular-nums">
                    {formatCredits(item.creditsCharged)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
        {batch.itemCount > items.length ? (
          <div className="flex items-center justify-between gap-2 text-sm">
            <span className="text-muted-foreground">
              Showing {items.length.toLocaleString('en-US')} of{' '}
              {batch.itemCount.toLocaleString('en-US')} items
            </span>
            <Button variant="outline" size="sm" onClick={() => setLimit(limit + PAGE * 4)}>
              Show more
            </Button>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

function Totals({ batch }: { batch: BatchView }) {
  const { progress } = batch;
  const stats = [
    ['Done', progress.done],
    ['Failed', progress.failed],
    ['Running', progress.running],
    ['Waiting', progress.pending],
    ['Cancelled', progress.cancelled],
  ] as const;
  return (
    <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4 lg:grid-cols-7">
      {stats.map(([label, value]) => (
        <div key={label}>
          <dt className="text-muted-foreground">{label}</dt>
          <dd className="font-medium tabular-nums">{value.toLocaleString('en-US')}</dd>
        </div>
      ))}
      <div>
        <dt className="text-muted-foreground">
          {isActive(batch.status) ? 'Reserved' : 'Reserved at start'}
        </dt>
        <dd className="font-medium tabular-nums">{formatCredits(batch.creditsReserved)}</dd>
      </div>
      <div>
        <dt className="text-muted-foreground">Charged</dt>
        <dd className="font-medium tabular-nums" data-testid="batch-charged">
          {formatCredits(batch.creditsCharged)}
        </dd>
      </div>
    </dl>
  );
}

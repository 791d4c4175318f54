'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { formatCredits } from '@/lib/credits/format';
import { cn } from '@/lib/utils';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { batchApi, batchKeys, isActive, type BatchView } from './batch-api';
import { BatchStatusBadge } from './batch-status';

/** The wallet's latest batches; refreshes while any of them runs. */
export function BatchList({
  orgId,
  initial,
  selected,
  onSelect,
}: {
  orgId: string | null;
  initial?: BatchView[];
  selected: string | null;
  onSelect?: (id: string) => void;
}) {
  const query = useQuery({
    queryKey: batchKeys.list(orgId),
    queryFn: () => batchApi.list(orgId),
    initialData: initial,
    refetchInterval: (current) =>
      current.state.data?.some((batch) => isActive(batch.status)) ? 3000 : false,
  });
  const batches = query.data ?? [];

  return (
    <Card className="min-w-0">
      <CardHeader>
        <CardTitle as="h2">Recent batches</CardTitle>
      </CardHeader>
      <CardContent>
        {batches.length === 0 ? (
          <p className="text-muted-foreground text-sm">No batches yet.</p>
        ) : (
          <ul className="flex flex-col gap-1">
            {batches.map((batch) => {
              const processed = batch.progress.done + batch.progress.failed;
              const { cancelled } = batch.progress;
              return (
                <li key={batch.id}>
                  <Link
                    href={`/ai/batches/${batch.id}`}
                    onClick={(event) => {
                      // On the batches page a plain click shows it beside the form; the link
                      // (new tab, copy) is the batch's own page.
                      if (!onSelect || event.metaKey || event.ctrlKey || event.shiftKey) return;
                      event.preventDefault();
                      onSelect(batch.id);
                    }}
                    aria-current={selected === batch.id ? 'true' : undefined}
                    className={cn(
                      'hover:bg-muted flex w-full flex-col gap-1 rounded-md px-3 py-2 text-left text-sm',
                      selected === batch.id && 'bg-muted',
                    )}
                  >
                    <span className="flex items-center justify-between gap-2">
                      <span className="font-medium capitalize">
                        {batch.feature.replace('_', ' ')}
                      </span>
                      <BatchStatusBadge status={batch.status} />
                    </span>
                    <span className="text-muted-foreground text-xs tabular-nums">
                      {processed.toLocaleString('en-US')} of{' '}
                      {batch.itemCount.toLocaleString('en-US')} processed
                      {cancelled > 0
                        ? `, ${cancelled.toLocaleString('en-US')} cancelled`
                        : ''} · {formatCredits(batch.creditsCharged)} credits ·{' '}
                      {new Date(batch.createdAt).toLocaleDateString('en-US', {
                        dateStyle: 'medium',
                      })}
                    </span>
                  </Link>
                </li>
              );
            })}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

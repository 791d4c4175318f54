'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { RotateCcw } from 'lucide-react';
import { LocalDate } from '@/components/credits/local-date';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { toast } from '@/components/ui/toast';
import {
  deliveriesKey,
  fetchDeliveries,
  replay,
  webhookErrorMessage,
  type DeliveryView,
} from './api';

const STATUS: Record<
  DeliveryView['status'],
  { label: string; variant: 'success' | 'warning' | 'destructive' }
> = {
  succeeded: { label: 'Delivered', variant: 'success' },
  pending: { label: 'Retrying', variant: 'warning' },
  failed: { label: 'Failed', variant: 'destructive' },
};

/** An endpoint's latest deliveries, each with every attempt; refreshes while any is pending. */
export function Deliveries({ endpointId, canReplay }: { endpointId: string; canReplay: boolean }) {
  const queryClient = useQueryClient();
  const deliveries = useQuery({
    queryKey: deliveriesKey(endpointId),
    queryFn: ({ signal }) => fetchDeliveries(endpointId, signal),
    refetchInterval: (query) =>
      query.state.data?.some((delivery) => delivery.status === 'pending') ? 2000 : false,
  });
  const resend = useMutation({
    mutationFn: replay,
    onSuccess: () => {
      toast({ title: 'Replay queued', variant: 'success' });
      void queryClient.invalidateQueries({ queryKey: deliveriesKey(endpointId) });
    },
    onError: (cause) => toast({ title: webhookErrorMessage(cause), variant: 'destructive' }),
  });

  if (deliveries.isPending)
    return <p className="text-muted-foreground text-sm">Loading deliveries…</p>;
  if (deliveries.isError) {
    return <p className="text-destructive text-sm">{webhookErrorMessage(deliveries.error)}</p>;
  }
  if (deliveries.data.length === 0) {
    return (
      <p className="text-muted-foreground text-sm">
        No deliveries yet. Send a test event to see one here.
      </p>
    );
  }
  return (
    <ol className="flex flex-col gap-2" aria-label="Recent deliveries">
      {deliveries.data.map((delivery) => {
        const status = STATUS[delivery.status];
        return (
          <li key={delivery.id} className="rounded-md border p-3" data-testid="webhook-delivery">
            <div className="flex flex-wrap items-center gap-2">
              <code className="font-mono text-xs">{delivery.eventType}</code>
              <Badge variant={status.variant}>{status.label}</Badge>
              {delivery.replayOf ? <Badge variant="outline">Replay</Badge> : null}
              <span className="text-muted-foreground text-xs">
                <LocalDate value={delivery.createdAt} />
              </span>
              {canReplay && delivery.status !== 'pending' ? (
                <Button
                  type="button"
                  size="sm"
                  variant="ghost"
                  className="ml-auto"
                  disabled={resend.isPending}
                  onClick={() => resend.mutate(delivery.id)}
                  aria-label={`Replay ${delivery.eventType} delivery`}
                >
                  <RotateCcw aria-hidden="true" />
                  Replay
                </Button>
              ) : null}
            </div>
            {delivery.attempts.length > 0 ? (
              <details className="mt-2 text-xs">
                <summary className="text-muted-foreground cursor-pointer">
                  {delivery.attempts.length} attempt{delivery.attempts.length === 1 ? '' : 's'}
                  {delivery.nextAttemptAt ? ' · next retry scheduled' : ''}
                </summary>
                <ul className="mt-2 flex flex-col gap-1">
                  {delivery.attempts.map((attempt) => (
                    <li key={attempt.attempt} className="flex flex-col gap-0.5 border-l-2 pl-2">
                      <span>
                        #{attempt.attempt} ·{' '}
                        {attempt.statusCode ? `HTTP ${attempt.statusCode}` : 'no response'} ·{' '}
                        {attempt.durationMs} ms · <LocalDate value={attempt.attemptedAt} />
                      </span>
                      {attempt.error ? (
                        <span className="text-destructive">{attempt.error}</span>
                      ) : null}
                      {attempt.responseExcerpt ? (
                        <code className="bg-muted max-h-24 overflow-auto rounded px-1 break-all whitespace-pre-wrap">
                          {attempt.responseExcerpt}
                        </code>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </details>
            ) : (
              <p className="text-muted-foreground mt-2 text-xs">Queued, not sent yet.</p>
            )}
          </li>
        );
      })}
    </ol>
  );
}

'use client';

import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Send, Trash2, Webhook } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { toast } from '@/components/ui/toast';
import {
  deleteEndpoint,
  deliveriesKey,
  endpointsKey,
  fetchEndpoints,
  sendTest,
  setEnabled,
  webhookErrorMessage,
  type EndpointView,
} from './api';
import { Deliveries } from './deliveries';
import { EndpointForm } from './endpoint-form';

/** The webhook endpoints of one scope (the viewer, or an org they own or administer). */
export function WebhooksPanel({
  orgId,
  scopeLabel,
  initialEndpoints,
}: {
  orgId: string | null;
  scopeLabel: string;
  initialEndpoints: EndpointView[];
}) {
  const queryClient = useQueryClient();
  const endpoints = useQuery({
    queryKey: endpointsKey(orgId),
    queryFn: ({ signal }) => fetchEndpoints(orgId, signal),
    initialData: initialEndpoints,
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: endpointsKey(orgId) });

  return (
    <div className="flex flex-col gap-6" data-testid={`webhooks-${orgId ?? 'personal'}`}>
      {endpoints.data.length === 0 ? (
        <EmptyState
          icon={Webhook}
          title={`No webhook endpoints for ${scopeLabel}`}
          description="Add an endpoint to receive purchases, refunds and alerts as signed HTTP requests."
        />
      ) : (
        <ul className="flex flex-col gap-4" aria-label={`Webhook endpoints of ${scopeLabel}`}>
          {endpoints.data.map((endpoint) => (
            <EndpointItem key={endpoint.id} endpoint={endpoint} onChanged={refresh} />
          ))}
        </ul>
      )}
      <EndpointForm orgId={orgId} onCreated={refresh} />
    </div>
  );
}

function EndpointItem({ endpoint, onChanged }: { endpoint: EndpointView; onChanged: () => void }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const onError = (cause: unknown) =>
    toast({ title: webhookErrorMessage(cause), variant: 'destructive' });
  const toggle = useMutation({
    mutationFn: () => setEnabled(endpoint.id, !endpoint.enabled),
    onSuccess: (updated) => {
      toast({
        title: updated.enabled ? 'Endpoint enabled' : 'Endpoint disabled',
        variant: 'success',
      });
      onChanged();
    },
    onError,
  });
  const remove = useMutation({
    mutationFn: () => deleteEndpoint(endpoint.id),
    onSuccess: () => {
      toast({ title: 'Endpoint deleted', variant: 'success' });
      onChanged();
    },
    onError,
  });
  const test = useMutation({
    mutationFn: () => sendTest(endpoint.id),
    onSuccess: () => {
      toast({ title: 'Test event queued', variant: 'success' });
      setOpen(true);
      void queryClient.invalidateQueries({ queryKey: deliveriesKey(endpoint.id) });
    },
    onError,
  });
  const busy = toggle.isPending || remove.isPending || test.isPending;

  return (
    <li className="flex flex-col gap-3 rounded-lg border p-4" data-testid="webhook-endpoint">
      <div className="flex flex-col gap-1">
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-mono text-sm break-all">{endpoint.url}</span>
          {endpoint.enabled ? (
            <Badge variant="success">Enabled</Badge>
          ) : (
            <Badge variant="destructive">Disabled</Badge>
          )}
        </div>
        {endpoint.description ? <p className="text-sm">{endpoint.description}</p> : null}
        <p className="text-muted-foreground text-xs">
          {endpoint.eventTypes.includes('*') ? 'All events' : endpoint.eventTypes.join(', ')} ·
          secret ends in <span className="font-mono">{endpoint.secretHint}</span>
        </p>
        {!endpoint.enabled && endpoint.disabledReason ? (
          <p className="text-destructive text-xs">{endpoint.disabledReason}</p>
        ) : null}
      </div>
      <div className="flex flex-wrap gap-2">
        <Button
          type="button"
          size="sm"
          variant="outline"
          disabled={busy || !endpoint.enabled}
          onClick={() => test.mutate()}
        >
          <Send aria-hidden="true" />
          Send test event
        </Button>
        <Button
          type="button"
          size="sm"
          variant="outline"
          disabled={busy}
          onClick={() => toggle.mutate()}
        >
          {endpoint.enabled ? 'Disable' : 'Enable'}
        </Button>
        <Button
          type="button"
          size="sm"
          variant="ghost"
          disabled={busy}
          aria-label={`Delete endpoint ${endpoint.url}`}
          onClick={() => {
            if (window.confirm(`Delete ${endpoint.url} and its delivery history?`)) remove.mutate();
          }}
        >
          <Trash2 aria-hidden="true" />
          Delete
        </Button>
        <Button
          type="button"
          size="sm"
          variant="ghost"
          aria-expanded={open}
          onClick={() => setOpen((value) => !value)}
        >
          {open ? 'Hide deliveries' : 'Show deliveries'}
        </Button>
      </div>
      {open ? <Deliveries endpointId={endpoint.id} canReplay={endpoint.enabled} /> : null}
    </li>
  );
}

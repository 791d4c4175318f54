import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { toJson } from '@/lib/core';
import { getViewer } from '@/lib/auth';
import { listEndpoints } from '@/lib/webhooks';
import { endpointSchema } from '@/components/webhooks/api';
import { WebhooksPanel } from '@/components/webhooks/webhooks-panel';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';

export const metadata: Metadata = { title: 'Webhooks' };

/** Webhook endpoints of the viewer and of each org they own or administer. */
export default async function WebhooksPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const { session } = viewer;
  const scopes = [
    { orgId: null, label: 'your account' },
    ...viewer.orgs
      .filter((org) => org.role === 'owner' || org.role === 'admin')
      .map((org) => ({ orgId: org.id, label: org.name })),
  ];
  const scoped = await Promise.all(
    scopes.map(async (scope) => ({
      ...scope,
      // Through the API's JSON so the first render and every refetch share one shape.
      endpoints: z
        .array(endpointSchema)
        .parse(JSON.parse(toJson(await listEndpoints(session, scope.orgId)))),
    })),
  );

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Webhooks</h1>
        <p className="text-muted-foreground text-sm">
          Tollgate POSTs signed JSON to your endpoints when credits are bought or refunded and when
          alerts fire. Failed deliveries are retried for 24 hours; an endpoint whose deliveries keep
          failing is turned off and you get a notification.
        </p>
      </div>
      {scoped.map((scope) => (
        <Card key={scope.orgId ?? 'personal'}>
          <CardHeader>
            <CardTitle as="h2">
              {scope.orgId ? `${scope.label} (organization)` : 'Personal endpoints'}
            </CardTitle>
            <CardDescription>
              {scope.orgId
                ? `Events about the ${scope.label} wallet and its allowances.`
                : 'Events about your personal wallet and allowances.'}
            </CardDescription>
          </CardHeader>
          <CardContent>
            <WebhooksPanel
              orgId={scope.orgId}
              scopeLabel={scope.label}
              initialEndpoints={scope.endpoints}
            />
          </CardContent>
        </Card>
      ))}
    </div>
  );
}

import { z } from 'zod';
import { ApiError, callApi } from '@/lib/api/client';

/** Browser calls to /api/webhooks; errors become sentences people can act on. */

export const endpointSchema = z.object({
  id: z.string(),
  orgId: z.string().nullable(),
  url: z.string(),
  description: z.string().nullable(),
  eventTypes: z.array(z.string()),
  secretHint: z.string(),
  enabled: z.boolean(),
  failedDeliveries: z.number(),
  disabledReason: z.string().nullable(),
  disabledAt: z.coerce.date().nullable(),
  createdAt: z.coerce.date(),
});
export type EndpointView = z.infer<typeof endpointSchema>;

const attemptSchema = z.object({
  attempt: z.number(),
  statusCode: z.number().nullable(),
  responseExcerpt: z.string().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
  succeeded: z.boolean(),
  attemptedAt: z.coerce.date(),
});

const deliverySchema = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  replayOf: z.string().nullable(),
  attemptCount: z.number(),
  lastStatusCode: z.number().nullable(),
  nextAttemptAt: z.coerce.date().nullable(),
  createdAt: z.coerce.date(),
  completedAt: z.coerce.date().nullable(),
  attempts: z.array(attemptSchema),
});
export type DeliveryView = z.infer<typeof deliverySchema>;

const FIELD_LABELS: Record<string, string> = {
  'body.url': 'The URL',
  'body.eventTypes': 'The event types',
  'body.description': 'The description',
};

const call = (url: string, init: RequestInit = {}) => callApi(url, init, FIELD_LABELS);

export const endpointsKey = (orgId: string | null) =>
  ['webhook-endpoints', orgId ?? 'personal'] as const;
export const deliveriesKey = (endpointId: string) => ['webhook-deliveries', endpointId] as const;

export async function fetchEndpoints(orgId: string | null, signal?: AbortSignal) {
  const url = orgId
    ? `/api/webhooks/endpoints?orgId=${encodeURIComponent(orgId)}`
    : '/api/webhooks/endpoints';
  const body = await call(url, { signal });
  return z.object({ endpoints: z.array(endpointSchema) }).parse(body).endpoints;
}

export async function createEndpoint(input: {
  url: string;
  description: string;
  eventTypes: string[];
  orgId: string | null;
}) {
  const body = await call('/api/webhooks/endpoints', {
    method: 'POST',
    body: JSON.stringify({ ...input, description: input.description || undefined }),
  });
  return z.object({ endpoint: endpointSchema, secret: z.string() }).parse(body);
}

export async function setEnabled(id: string, enabled: boolean) {
  const body = await call(`/api/webhooks/endpoints/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body: JSON.stringify({ enabled }),
  });
  return z.object({ endpoint: endpointSchema }).parse(body).endpoint;
}

export async function deleteEndpoint(id: string) {
  await call(`/api/webhooks/endpoints/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export async function sendTest(id: string) {
  const body = await call(`/api/webhooks/endpoints/${encodeURIComponent(id)}/test`, {
    method: 'POST',
  });
  return z.object({ deliveryId: z.string() }).parse(body).deliveryId;
}

export async function fetchDeliveries(endpointId: string, signal?: AbortSignal) {
  const body = await call(
    `/api/webhooks/endpoints/${encodeURIComponent(endpointId)}/deliveries?limit=20`,
    {
      signal,
    },
  );
  return z.object({ deliveries: z.array(deliverySchema) }).parse(body).deliveries;
}

export async function replay(deliveryId: string) {
  const body = await call(`/api/webhooks/deliveries/${encodeURIComponent(deliveryId)}/replay`, {
    method: 'POST',
  });
  return z.object({ deliveryId: z.string() }).parse(body).deliveryId;
}

export function webhookErrorMessage(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong. Try again.';
}

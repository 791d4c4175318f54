import 'server-only';
import { one, encryptSecret, AppError } from '@/lib/core';
import { z } from 'zod';
import { withUser, type DbSession, type Tx } from '@/lib/db';
import { enqueueDelivery } from './deliver';
import { webhookSubscription } from './events';
import { newEndpointSecret } from './signature';
import { assertPublicTarget } from './pinned-post';
import { webhookUrlProblem } from './url';

/**
 * Endpoints as their owners manage them: every read runs under RLS (a stranger's endpoint simply
 * is not there, so it is a 404), every write is one SQL function that checks the caller again.
 * The signing secret is returned once, by `createEndpoint`; afterwards only its hint.
 */

const endpointUrl = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(2048)
  .superRefine((value, context) => {
    const problem = webhookUrlProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

const eventTypes = z
  .array(webhookSubscription)
  .min(1, 'subscribe to at least one event type')
  .max(20);

export const createEndpointInput = z.object({
  url: endpointUrl,
  eventTypes,
  description: z.string().trim().max(200).optional(),
  orgId: z.uuid().nullish(),
});

export const updateEndpointInput = z
  .object({
    url: endpointUrl.optional(),
    eventTypes: eventTypes.optional(),
    description: z.string().trim().max(200).optional(),
    enabled: z.boolean().optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'change at least one of url, eventTypes, description, enabled',
  });

interface WebhookEndpoint {
  id: string;
  orgId: string | null;
  url: string;
  description: string | null;
  eventTypes: string[];
  /** The last characters of the secret, for recognising it. */
  secretHint: string;
  enabled: boolean;
  failedDeliveries: number;
  disabledReason: string | null;
  disabledAt: Date | null;
  createdAt: Date;
}

interface WebhookAttempt {
  attempt: number;
  statusCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
  durationMs: number;
  succeeded: boolean;
  attemptedAt: string;
}

interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  replayOf: string | null;
  attemptCount: number;
  lastStatusCode: number | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  completedAt: Date | null;
  attempts: WebhookAttempt[];
}

interface EndpointRow {
  id: string;
  org_id: string | null;
  url: string;
  description: string | null;
  event_types: string[];
  secret_hint: string;
  enabled: boolean;
  failed_deliveries: number;
  disabled_reason: string | null;
  disabled_at: Date | null;
  created_at: Date;
}

const toEndpoint = (row: EndpointRow): WebhookEndpoint => ({
  id: row.id,
  orgId: row.org_id,
  url: row.url,
  description: row.description,
  eventTypes: row.event_types,
  secretHint: row.secret_hint,
  enabled: row.enabled,
  failedDeliveries: row.failed_deliveries,
  disabledReason: row.disabled_reason,
  disabledAt: row.disabled_at,
  createdAt: row.created_at,
});

const notFound = () => new AppError('not_found', 'Webhook endpoint not found.');

function selectEndpoints(tx: Tx) {
  return tx`select id, org_id, url, description, event_types, secret_hint, enabled, failed_deliveries,
                   disabled_reason, disabled_at, created_at
            from public.webhook_endpoints`;
}

/** The caller's endpoints, or an org's when they own or administer it (else none). */
export async function listEndpoints(
  session: DbSession,
  orgId?: string | null,
): Promise<WebhookEndpoint[]> {
  const rows = await withUser(
    session,
    (tx) => tx<EndpointRow[]>`${selectEndpoints(tx)}
      where ${orgId ? tx`org_id = ${orgId}` : tx`user_id = ${session.userId}`}
      order by created_at, id`,
  );
  return rows.map(toEndpoint);
}

export async function getEndpoint(session: DbSession, id: string): Promise<WebhookEndpoint> {
  const [row] = await withUser(
    session,
    (tx) => tx<EndpointRow[]>`${selectEndpoints(tx)} where id = ${id}`,
  );
  if (!row) throw notFound();
  return toEndpoint(row);
}

/** Registers an endpoint; the answer carries its secret, the only time anyone sees it. */
export async function createEndpoint(
  session: DbSession,
  input: z.output<typeof createEndpointInput>,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  await assertPublicTarget(input.url);
  const secret = newEndpointSecret();
  const sealed = encryptSecret(secret);
  const row = one(
    await withUser(
      session,
      (tx) => tx<EndpointRow[]>`
      select id, org_id, url, description, event_types, secret_hint, enabled, failed_deliveries,
             disabled_reason, disabled_at, created_at
      from public.webhook_endpoint_create(${input.orgId ?? null}, ${input.url},
        ${input.description ?? null}, ${input.eventTypes}::text[], ${sealed}, ${secret.slice(-4)})`,
    ),
    'result of webhook_endpoint_create',
  );
  return { endpoint: toEndpoint(row), secret };
}

export async function updateEndpoint(
  session: DbSession,
  id: string,
  patch: z.output<typeof updateEndpointInput>,
): Promise<WebhookEndpoint> {
  if (patch.url) await assertPublicTarget(patch.url);
  await withUser(
    session,
    (tx) => tx`select public.webhook_endpoint_update(${id}, ${patch.enabled ?? null},
      ${patch.url ?? null}, ${patch.description ?? null}, ${patch.eventTypes ?? null}::text[])`,
  );
  return getEndpoint(session, id);
}

export async function deleteEndpoint(session: DbSession, id: string): Promise<void> {
  await withUser(session, (tx) => tx`select public.webhook_endpoint_delete(${id})`);
}

async function queue(deliveryId: string): Promise<void> {
  // The row is the source of truth: if queueing fails, the dispatcher re-queues it later.
  await enqueueDelivery(deliveryId).catch((error: unknown) =>
    console.error('[webhooks] could not queue delivery', deliveryId, error),
  );
}

/** Sends a `webhook.test` event to the endpoint; returns the delivery, which the worker sends. */
export async function sendTestEvent(
  session: DbSession,
  id: string,
): Promise<{ deliveryId: string }> {
  const row = one(
    await withUser(
      session,
      (tx) => tx<{ id: string }[]>`select public.webhook_send_test(${id}) as id`,
    ),
    'result of webhook_send_test',
  );
  await queue(row.id);
  return { deliveryId: row.id };
}

/** Sends a delivery's event again as a new delivery with its own attempts. */
export async function replayDelivery(
  session: DbSession,
  deliveryId: string,
): Promise<{ deliveryId: string }> {
  const row = one(
    await withUser(
      session,
      (tx) => tx<{ id: string }[]>`select public.webhook_replay(${deliveryId}) as id`,
    ),
    'result of webhook_replay',
  );
  await queue(row.id);
  return { deliveryId: row.id };
}

interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  status: WebhookDelivery['status'];
  replay_of: string | null;
  attempts: number;
  last_status_code: number | null;
  next_attempt_at: Date;
  created_at: Date;
  completed_at: Date | null;
  attempt_log: WebhookAttempt[];
}

/** The endpoint's latest deliveries, newest first, each with all its attempts. */
export async function listDeliveries(
  session: DbSession,
  endpointId: string,
  limit = 50,
): Promise<WebhookDelivery[]> {
  return withUser(session, async (tx) => {
    const [endpoint] = await tx`select 1 from public.webhook_endpoints where id = ${endpointId}`;
    if (!endpoint) throw notFound();
    const rows = await tx<DeliveryRow[]>`
      select d.id, d.event_id, e.type as event_type, d.status, d.replay_of, d.attempts,
             d.last_status_code, d.next_attempt_at, d.created_at, d.completed_at,
             coalesce((select json_agg(json_build_object(
                        'attempt', a.attempt, 'statusCode', a.status_code,
                        'responseExcerpt', a.response_excerpt, 'error', a.error,
                        'durationMs', a.duration_ms, 'succeeded', a.succeeded,
                        'attemptedAt', a.attempted_at) order by a.attempt)
                       from public.webhook_attempts a where a.delivery_id = d.id), '[]') as attempt_log
      from public.webhook_deliveries d
      join public.events e on e.id = d.event_id
      where d.endpoint_id = ${endpointId}
      order by d.created_at desc, d.id
      limit ${Math.min(Math.max(limit, 1), 200)}`;
    return rows.map((row) => ({
      id: row.id,
      eventId: row.event_id,
      eventType: row.event_type,
      status: row.status,
      replayOf: row.replay_of,
      attemptCount: row.attempts,
      lastStatusCode: row.last_status_code,
      nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
      createdAt: row.created_at,
      completedAt: row.completed_at,
      attempts: row.attempt_log,
    }));
  });
}

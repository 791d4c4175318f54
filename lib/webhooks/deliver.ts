import 'server-only';
import { decryptSecret } from '@/lib/core';
import { asService } from '@/lib/db';
import { enqueue } from '@/lib/jobs';
import { nextAttemptAt, retryPolicy } from './backoff';
import { postPinned } from './pinned-post';
import { signatureHeader } from './signature';

/**
 * The worker's side of webhooks: fan new events out to endpoints (`webhooks.dispatch`) and make
 * one HTTP attempt of a delivery (`webhooks.deliver`), scheduling the next attempt itself so
 * every attempt is recorded and the retry window is measured from the first one.
 */

const EXCERPT_BYTES = 1024;

interface DispatchResult {
  events: number;
  deliveries: number;
  requeued: number;
}

/** Turns every undispatched event into deliveries and queues them; also re-queues overdue ones. */
export async function dispatchWebhookEvents(batchSize = 100): Promise<DispatchResult> {
  const result: DispatchResult = { events: 0, deliveries: 0, requeued: 0 };
  for (;;) {
    const rows = await asService(
      (tx) => tx<{ delivery_id: string | null; events_dispatched: number }[]>`
        select delivery_id, events_dispatched from public.webhook_dispatch(${batchSize})`,
    );
    const events = rows[0]?.events_dispatched ?? 0;
    const deliveries = rows.flatMap((row) => (row.delivery_id ? [row.delivery_id] : []));
    for (const deliveryId of deliveries) await enqueueDelivery(deliveryId);
    result.events += events;
    result.deliveries += deliveries.length;
    if (events < batchSize) break;
  }
  const overdue = await asService(
    (tx) => tx<{ id: string }[]>`select id from public.webhook_due_deliveries(100) as id`,
  );
  for (const { id } of overdue) await enqueueDelivery(id);
  result.requeued = overdue.length;
  return result;
}

export function enqueueDelivery(deliveryId: string, startAfter?: Date): Promise<string | null> {
  return enqueue('webhooks.deliver', { deliveryId }, startAfter ? { startAfter } : {});
}

interface Claim {
  delivery_id: string;
  attempt: number;
  first_attempt_at: Date;
  endpoint_id: string;
  url: string;
  secret_ciphertext: string;
  event_id: string;
  event_type: string;
  event_created_at: Date;
  event_data: unknown;
}

type AttemptOutcome = 'succeeded' | 'pending' | 'failed' | 'skipped';

/** Reads at most 1 KB of a response body (then stops reading), as valid UTF-8. */
async function excerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  let text = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
  // A multi-byte character cut in half decodes to U+FFFD (3 bytes): trim until it fits.
  while (Buffer.byteLength(text) > EXCERPT_BYTES) text = text.slice(0, -1);
  return text.replaceAll('\u0000', '');
}

/** The JSON body of a delivery: exactly these bytes are signed. */
function deliveryBody(claim: {
  event_id: string;
  event_type: string;
  event_created_at: Date;
  event_data: unknown;
}): string {
  return JSON.stringify({
    id: claim.event_id,
    type: claim.event_type,
    created_at: claim.event_created_at.toISOString(),
    data: claim.event_data,
  });
}

/** One attempt of a delivery; queues the next attempt when it failed and time remains. */
export async function attemptDelivery(deliveryId: string): Promise<AttemptOutcome> {
  const policy = retryPolicy();
  const [claim] = await asService(
    (tx) => tx<Claim[]>`
      select * from public.webhook_delivery_claim(${deliveryId}, ${Math.ceil(policy.timeoutMs / 1000) + 30})`,
  );
  if (!claim) return 'skipped';

  const body = deliveryBody(claim);
  const timestamp = Math.floor(Date.now() / 1000);
  let statusCode: number | null = null;
  let responseExcerpt: string | null = null;
  let error: string | null = null;
  const started = performance.now();
  try {
    // Checked and pinned to a public address at every attempt; redirects are not followed.
    const response = await postPinned(claim.url, {
      signal: AbortSignal.timeout(policy.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Tollgate-Webhooks/1',
        'tollgate-signature': signatureHeader(
          decryptSecret(claim.secret_ciphertext),
          body,
          timestamp,
        ),
        'tollgate-event-id': claim.event_id,
        'tollgate-event-type': claim.event_type,
      },
      body,
    });
    statusCode = response.status;
    responseExcerpt = await excerpt(response).catch(() => null);
  } catch (cause) {
    const reason = cause instanceof Error ? cause : new Error(String(cause));
    error =
      reason.name === 'TimeoutError'
        ? `No response within ${Math.round(policy.timeoutMs / 1000)} s.`
        : `${reason.message}${reason.cause instanceof Error ? `: ${reason.cause.message}` : ''}`;
  }
  const durationMs = Math.round(performance.now() - started);
  const succeeded = statusCode !== null && statusCode >= 200 && statusCode < 300;
  if (!succeeded && !error) error = `The endpoint answered HTTP ${statusCode}.`;
  const retryAt = succeeded ? null : nextAttemptAt(claim.attempt, claim.first_attempt_at);

  const [recorded] = await asService(
    (tx) => tx<{ outcome: Exclude<AttemptOutcome, 'skipped'> }[]>`
      select public.webhook_attempt_record(${claim.delivery_id}, ${claim.attempt}, ${statusCode},
        ${responseExcerpt}, ${error}, ${durationMs}, ${succeeded}, ${retryAt}) as outcome`,
  );
  if (recorded?.outcome === 'pending' && retryAt) await enqueueDelivery(claim.delivery_id, retryAt);
  return recorded?.outcome ?? 'skipped';
}

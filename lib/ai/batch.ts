import 'server-only';
import { AppError, toAppError } from '@/lib/core';
import { asService } from '@/lib/db';
import { type Provider } from '@/lib/gateway';
import { type BatchStatus } from './batch-submit';
import { runItem, type BatchJob, type Claimed, type Target } from './batch-item';

export {
  submitBatch,
  getBatch,
  listBatches,
  cancelBatch,
  batchInput,
  batchPage,
  type BatchStatus,
  type BatchItemStatus,
} from './batch-submit';

/**
 * The batch processor, run in the background (the 'ai.batch' job) as the service: it claims items
 * a few at a time (FOR UPDATE SKIP LOCKED, leased, so several workers and restarts share a batch
 * safely), calls the model with per-item retries and backoff, and finishes each item together
 * with its hold's settlement: real usage × the batch's price, the hold when usage is unknown,
 * nothing (void) when no attempt produced output. Results are stored with personal data removed,
 * like the inputs. Idempotent and resumable: a second run finds
 * nothing left to claim; items of a worker that died are reclaimed when their lease lapses.
 */

interface ProcessBatchOptions {
  /** Items in flight at once (default 4). */
  concurrency?: number;
  /** Provider calls per item before it fails (default 3). */
  maxAttempts?: number;
  /** First retry delay; doubles each retry (default 500 ms). */
  backoffMs?: number;
  /** One provider call's time limit (default 120 s). */
  timeoutMs?: number;
}

interface ProcessedBatch {
  batchId: string;
  status: BatchStatus;
  /** Items this run finished. */
  processed: number;
  /**
   * Items are still leased by another worker (or one that died): run again after this many
   * seconds, when the first lease lapses. Null when nothing is left in flight.
   */
  retryAfterSeconds: number | null;
}

async function loadBatch(batchId: string): Promise<BatchJob> {
  const [row] = await asService(
    (tx) => tx<
      {
        id: string;
        user_id: string;
        org_id: string | null;
        model: string;
        feature: string;
        status: BatchStatus;
        max_output_tokens: number;
        price_id: bigint;
        input_per_mtok: bigint;
        cached_input_per_mtok: bigint;
        output_per_mtok: bigint;
        credits_per_usd: bigint;
        markup_bps: number;
      }[]
    >`
      select id, user_id, org_id, model, feature, status, max_output_tokens, price_id, input_per_mtok,
             cached_input_per_mtok, output_per_mtok, credits_per_usd, markup_bps
      from public.ai_batches where id = ${batchId}`,
  );
  if (!row) throw new AppError('not_found', 'Batch not found.', { batchId });
  return {
    id: row.id,
    subject: row.org_id ? { kind: 'org', id: row.org_id } : { kind: 'user', id: row.user_id },
    userId: row.user_id,
    model: row.model,
    feature: row.feature,
    status: row.status,
    maxOutputTokens: row.max_output_tokens,
    priceId: row.price_id,
    price: {
      inputPerMtok: row.input_per_mtok,
      cachedInputPerMtok: row.cached_input_per_mtok,
      outputPerMtok: row.output_per_mtok,
      creditsPerUsd: row.credits_per_usd,
      markupBps: BigInt(row.markup_bps),
    },
  };
}

/** The model's provider now, or the kill switch that turned it off (checked before each item). */
async function currentTarget(job: BatchJob): Promise<Target | { blocked: string }> {
  const [row] = await asService(
    (tx) => tx<
      {
        model_id: string;
        provider: Provider;
        provider_model_id: string;
        blocked_scope: string | null;
        blocked_reason: string | null;
      }[]
    >`
      select model_id, provider, provider_model_id, blocked_scope, blocked_reason
      from public.ai_call_context(${job.subject.kind}, ${job.subject.id}, ${job.model}, ${job.feature})`,
  ).catch((error: unknown) => {
    // The plan no longer includes the feature (the paywall, TG413): the rest is cancelled.
    const known = toAppError(error);
    if (known?.code === 'upgrade_required') return [{ refused: known.message }];
    throw error;
  });
  if (!row) return { blocked: 'The model is no longer available.' };
  if ('refused' in row) return { blocked: row.refused };
  if (row.blocked_scope) {
    return {
      blocked: row.blocked_reason ?? `AI calls are turned off for this ${row.blocked_scope}.`,
    };
  }
  return { modelId: row.model_id, provider: row.provider, providerModelId: row.provider_model_id };
}

async function claim(batchId: string, leaseSeconds: number): Promise<Claimed | null> {
  const [row] = await asService(
    (tx) => tx<Claimed[]>`
      select * from public.ai_batch_claim(${batchId}::uuid, 1, ${leaseSeconds}::integer)`,
  );
  return row ?? null;
}

async function worker(
  job: BatchJob,
  options: Required<ProcessBatchOptions>,
  leaseSeconds: number,
): Promise<number> {
  let processed = 0;
  for (;;) {
    const target = await currentTarget(job);
    if ('blocked' in target) {
      // A kill switch turned on mid-batch: the rest is cancelled and its holds released.
      await asService(
        (tx) => tx`select 1 from public.ai_batch_cancel(${job.id}::uuid, ${target.blocked})`,
      ).catch(() => undefined);
      return processed;
    }
    const item = await claim(job.id, leaseSeconds);
    if (!item) return processed;
    await runItem(job, target, item, options);
    processed += 1;
  }
}

/**
 * Processes a batch until no item is left to claim; returns the batch's status afterwards.
 * Safe to run again or concurrently (each item runs once per lease).
 */
export async function processBatch(
  batchId: string,
  options: ProcessBatchOptions = {},
): Promise<ProcessedBatch> {
  const settings: Required<ProcessBatchOptions> = {
    concurrency: Math.min(Math.max(options.concurrency ?? 4, 1), 16),
    maxAttempts: Math.min(Math.max(options.maxAttempts ?? 3, 1), 10),
    backoffMs: Math.max(options.backoffMs ?? 500, 0),
    timeoutMs: options.timeoutMs ?? 120_000,
  };
  // The lease covers every attempt and backoff of one item, with a minute to spare.
  const leaseSeconds = Math.ceil(
    (settings.maxAttempts * settings.timeoutMs + settings.backoffMs * 2 ** settings.maxAttempts) /
      1000 +
      60,
  );
  const job = await loadBatch(batchId);
  let processed = 0;
  if (job.status === 'queued' || job.status === 'running') {
    const counts = await Promise.all(
      Array.from({ length: settings.concurrency }, () => worker(job, settings, leaseSeconds)),
    );
    processed = counts.reduce((sum, count) => sum + count, 0);
  }
  const after = await loadBatch(batchId);
  const [leased] = await asService(
    (tx) => tx<{ wait: number | null }[]>`
      select ceil(extract(epoch from min(lease_until) - now()))::integer as wait
      from public.ai_batch_items where batch_id = ${batchId} and status = 'running'`,
  );
  const wait = leased?.wait ?? null;
  return {
    batchId,
    status: after.status,
    processed,
    retryAfterSeconds: wait === null ? null : Math.max(wait, 1),
  };
}

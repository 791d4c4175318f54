import 'server-only';
import { generateText } from 'ai';
import { AppError } from '@/lib/core';
import { asService } from '@/lib/db';
import type { Subject } from '@/lib/core';
import { recordUsage } from '@/lib/usage';
import { batchPrompt, type BatchStatus } from './batch-submit';
import {
  Meter,
  meteredModel,
  creditsFor,
  providerCostMicroUsd,
  type MeteredUsage,
  type ModelPrice,
  languageModelFor,
  type Provider,
  redactPii,
} from '@/lib/gateway';

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

interface BatchJob {
  id: string;
  subject: Subject;
  userId: string;
  model: string;
  feature: string;
  status: BatchStatus;
  maxOutputTokens: number;
  priceId: bigint;
  price: ModelPrice;
}

interface Target {
  modelId: string;
  provider: Provider;
  providerModelId: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  );
  if (!row) return { blocked: 'The model is no longer available.' };
  if (row.blocked_scope) {
    return {
      blocked: row.blocked_reason ?? `AI calls are turned off for this ${row.blocked_scope}.`,
    };
  }
  return { modelId: row.model_id, provider: row.provider, providerModelId: row.provider_model_id };
}

interface Claimed {
  item_index: number;
  input: string;
  credits_held: bigint;
  attempts: number;
}

interface Attempt {
  text: string | null;
  usage: MeteredUsage | null;
  sawOutput: boolean;
  error: unknown;
  latencyMs: number;
}

async function callModel(
  job: BatchJob,
  target: Target,
  input: string,
  timeoutMs: number,
): Promise<Attempt> {
  const meter = new Meter(() => Promise.resolve());
  const startedAt = performance.now();
  const [system, user] = batchPrompt(job.feature, input);
  try {
    const result = await generateText({
      model: meteredModel(languageModelFor(target), meter),
      system: system.content,
      prompt: user.content,
      maxOutputTokens: job.maxOutputTokens,
      abortSignal: AbortSignal.timeout(timeoutMs),
      maxRetries: 0,
    });
    const { sawOutput, usage } = meter.state;
    return { text: result.text, usage, sawOutput, error: undefined, latencyMs: elapsed(startedAt) };
  } catch (error) {
    const { sawOutput, usage } = meter.state;
    return { text: null, usage, sawOutput, error, latencyMs: elapsed(startedAt) };
  }
}

function elapsed(startedAt: number): number {
  return Math.max(0, Math.round(performance.now() - startedAt));
}

function errorCodeOf(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? `provider_${status}` : 'provider_error';
}

/** One usage event per provider call, idempotent by batch, item and attempt. */
function record(
  job: BatchJob,
  target: Target,
  item: Claimed,
  attemptNo: number,
  attempt: Attempt,
  creditsCharged: bigint,
): Promise<void> {
  const { usage } = attempt;
  return recordUsage({
    subject: job.subject,
    actorId: job.userId,
    provider: target.provider,
    model: target.modelId,
    operation: 'completion',
    feature: job.feature,
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    cachedTokens: usage?.cachedInputTokens ?? 0,
    latencyMs: attempt.latencyMs,
    providerCostMicroUsd: usage ? providerCostMicroUsd(job.price, usage) : 0n,
    creditsCharged,
    errorCode: attempt.error === undefined ? undefined : errorCodeOf(attempt.error),
    requestId: `batch:${job.id}:${item.item_index}:${attemptNo}`,
    source: 'platform',
    success: attempt.error === undefined && usage !== null,
    metadata: { batchId: job.id, index: item.item_index, priceId: job.priceId.toString() },
  }).then(
    () => undefined,
    (error: unknown) => console.error('[ai] batch usage record failed', job.id, error),
  );
}

/** Runs one claimed item to its end (done or failed) and settles its hold with it. */
async function runItem(
  job: BatchJob,
  target: Target,
  item: Claimed,
  options: Required<ProcessBatchOptions>,
): Promise<void> {
  let attempt: Attempt | undefined;
  let made = 0;
  while (made < options.maxAttempts) {
    made += 1;
    attempt = await callModel(job, target, item.input, options.timeoutMs);
    const final = attempt.error === undefined || attempt.sawOutput || made >= options.maxAttempts;
    if (!final) {
      await record(job, target, item, item.attempts + made, attempt, 0n);
      await sleep(options.backoffMs * 2 ** (made - 1));
      continue;
    }
    break;
  }
  const last = attempt!;
  // Known usage: usage × the batch's price. Output without usage: the hold. Nothing: void.
  const charge = last.usage
    ? creditsFor(job.price, last.usage)
    : last.sawOutput
      ? item.credits_held
      : null;
  const ok = last.error === undefined;
  const [finished] = await asService(
    (tx) => tx<{ credits_charged: bigint }[]>`
      select credits_charged from public.ai_batch_finish_item(${job.id}::uuid, ${item.item_index}::integer,
        ${ok ? 'done' : 'failed'}, ${last.text === null ? null : redactPii(last.text)},
        ${last.usage?.inputTokens ?? null}::integer,
        ${last.usage?.cachedInputTokens ?? null}::integer, ${last.usage?.outputTokens ?? null}::integer,
        ${charge === null ? null : charge.toString()}::bigint,
        ${ok ? null : `${errorCodeOf(last.error)} after ${made} attempt${made === 1 ? '' : 's'}`},
        ${made}::integer)`,
  );
  await record(job, target, item, item.attempts + made, last, finished?.credits_charged ?? 0n);
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

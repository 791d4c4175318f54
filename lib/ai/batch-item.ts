import 'server-only';
import { generateText } from 'ai';
import type { Subject } from '@/lib/core';
import { asService } from '@/lib/db';
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
import { recordUsage } from '@/lib/usage';
import { batchPrompt, type BatchStatus } from './batch-submit';

/** One batch item: its provider calls with retries and backoff, then its end and its hold's settlement. */

export interface BatchJob {
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

export interface Target {
  modelId: string;
  provider: Provider;
  providerModelId: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ItemOptions {
  maxAttempts: number;
  backoffMs: number;
  timeoutMs: number;
}

export interface Claimed {
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
export async function runItem(
  job: BatchJob,
  target: Target,
  item: Claimed,
  options: ItemOptions,
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

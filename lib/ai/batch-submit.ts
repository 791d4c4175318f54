import 'server-only';
import { one, AppError, parseInput, subjectFor } from '@/lib/core';
import { z } from 'zod';
import { withUser, type DbSession } from '@/lib/db';
import { planError } from '@/lib/plans';
import {
  loadCallContext,
  isProviderConfigured,
  redactPii,
  estimateInputTokens,
} from '@/lib/gateway';
import { AI_FEATURES, type AiFeature } from './features';

/**
 * Batches, the caller's side: submit (everything reserved up front, all or nothing), read
 * progress and results, cancel. The work itself is done by processBatch (lib/ai/batch.ts).
 */

const BATCH_MAX_ITEMS = 1000;
export type BatchStatus = 'queued' | 'running' | 'completed' | 'cancelled' | 'failed';
export type BatchItemStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

const FEATURES = Object.keys(AI_FEATURES) as [AiFeature, ...AiFeature[]];

export const batchInput = z.object({
  model: z.string().trim().min(1).max(64).default('local-demo'),
  feature: z.enum(FEATURES).default('lead_generation'),
  orgId: z.uuid().nullish(),
  items: z
    .array(z.string().trim().min(1, 'an item cannot be empty').max(8000))
    .min(1, 'send at least one item')
    .max(BATCH_MAX_ITEMS, `a batch has at most ${BATCH_MAX_ITEMS} items`),
  maxOutputTokens: z.number().int().min(1).max(4096).default(800),
});
type BatchInput = z.input<typeof batchInput>;

interface SubmittedBatch {
  id: string;
  itemCount: number;
  creditsReserved: bigint;
  /** The wallet's available micro-credits after the holds. */
  available: bigint;
  replayed: boolean;
}

/** The prompt of one item: the feature's instructions as system text, the item as the request. */
export function batchPrompt(
  feature: string,
  input: string,
): [{ role: 'system'; content: string }, { role: 'user'; content: string }] {
  const system = AI_FEATURES[feature as AiFeature] ?? AI_FEATURES.lead_generation;
  return [
    { role: 'system', content: system },
    { role: 'user', content: input },
  ];
}

/**
 * Checks the model and kill switches, then places the batch and one hold per item in one
 * transaction (ai_batch_create): 402 with the whole batch's needed/available when the wallet
 * cannot cover every item's worst case, and nothing is written.
 */
export async function submitBatch(
  session: DbSession,
  input: BatchInput,
  idempotencyKey?: string,
): Promise<SubmittedBatch> {
  const args = parseInput(batchInput, input);
  const subject = subjectFor(session, args.orgId);
  const context = await loadCallContext(session, subject, args.model, args.feature);
  if (!context.capabilities.includes('completion')) {
    throw new AppError('validation_failed', `${context.displayName} cannot do completion.`, {
      model: context.modelId,
    });
  }
  if (!isProviderConfigured(context.provider)) {
    throw new AppError('unavailable', `The ${context.provider} provider is not configured.`, {
      provider: context.provider,
    });
  }
  const items = args.items.map((text) => ({
    input: text,
    redacted: redactPii(text),
    tokens: estimateInputTokens(batchPrompt(args.feature, text)),
  }));
  const row = one(
    await withUser(
      session,
      (tx) => tx<
        {
          batch_id: string;
          item_count: number;
          credits_reserved: bigint;
          available: bigint;
          replayed: boolean;
        }[]
      >`
      select * from public.ai_batch_create(${args.orgId ?? null}::uuid, ${context.modelId}, ${args.feature},
        ${args.maxOutputTokens}::integer, ${tx.json(items)}, ${idempotencyKey ?? null})`,
    ).catch(planError),
    'result of ai_batch_create',
  );
  return {
    id: row.batch_id,
    itemCount: row.item_count,
    creditsReserved: row.credits_reserved,
    available: row.available,
    replayed: row.replayed,
  };
}

interface BatchSummary {
  id: string;
  orgId: string | null;
  model: string;
  feature: string;
  status: BatchStatus;
  itemCount: number;
  progress: Record<BatchItemStatus, number>;
  creditsReserved: bigint;
  creditsCharged: bigint;
  inputTokens: bigint;
  outputTokens: bigint;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

interface BatchItem {
  index: number;
  /** The item as stored: personal data (e-mail addresses, card numbers) removed. */
  input: string;
  status: BatchItemStatus;
  attempts: number;
  result: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  creditsHeld: bigint;
  creditsCharged: bigint;
  error: string | null;
}

interface BatchRow {
  id: string;
  org_id: string | null;
  model: string;
  feature: string;
  status: BatchStatus;
  item_count: number;
  done_count: number;
  failed_count: number;
  cancelled_count: number;
  running_count: number;
  credits_reserved: bigint;
  credits_charged: bigint;
  input_tokens: bigint;
  output_tokens: bigint;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

function summaryOf(row: BatchRow): BatchSummary {
  const running = Number(row.running_count);
  return {
    id: row.id,
    orgId: row.org_id,
    model: row.model,
    feature: row.feature,
    status: row.status,
    itemCount: row.item_count,
    progress: {
      pending: row.item_count - row.done_count - row.failed_count - row.cancelled_count - running,
      running,
      done: row.done_count,
      failed: row.failed_count,
      cancelled: row.cancelled_count,
    },
    creditsReserved: row.credits_reserved,
    creditsCharged: row.credits_charged,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function notFound(): AppError {
  return new AppError('not_found', 'Batch not found.');
}

export const batchPage = z.object({
  offset: z.coerce.number().int().min(0).max(BATCH_MAX_ITEMS).default(0),
  limit: z.coerce.number().int().min(1).max(BATCH_MAX_ITEMS).default(100),
});
type BatchPage = z.input<typeof batchPage>;

/** A batch the caller may read (RLS), with one page of its items in order; 404 otherwise. */
export async function getBatch(
  session: DbSession,
  batchId: string,
  page: BatchPage = {},
): Promise<{ batch: BatchSummary; items: BatchItem[] }> {
  if (!UUID.test(batchId)) throw notFound();
  const { offset, limit } = parseInput(batchPage, page);
  return withUser(session, async (tx) => {
    const [row] = await tx<BatchRow[]>`
      select b.id, b.org_id, b.model, b.feature, b.status, b.item_count, b.done_count, b.failed_count,
             b.cancelled_count, b.credits_reserved, b.credits_charged, b.input_tokens, b.output_tokens,
             b.error, b.created_at, b.started_at, b.finished_at,
             (select count(*) from public.ai_batch_items i
              where i.batch_id = b.id and i.status = 'running')::integer as running_count
      from public.ai_batches b where b.id = ${batchId}`;
    if (!row) throw notFound();
    const items = await tx<
      {
        index: number;
        input_redacted: string;
        status: BatchItemStatus;
        attempts: number;
        result: string | null;
        input_tokens: number | null;
        output_tokens: number | null;
        credits_held: bigint;
        credits_charged: bigint;
        error: string | null;
      }[]
    >`
      select i.index, i.input_redacted, i.status, i.attempts, i.result, i.input_tokens, i.output_tokens,
             i.credits_held, i.credits_charged, i.error
      from public.ai_batch_items i where i.batch_id = ${batchId}
      order by i.index offset ${offset} limit ${limit}`;
    return {
      batch: summaryOf(row),
      items: items.map((item) => ({
        index: item.index,
        input: item.input_redacted,
        status: item.status,
        attempts: item.attempts,
        result: item.result,
        inputTokens: item.input_tokens,
        outputTokens: item.output_tokens,
        creditsHeld: item.credits_held,
        creditsCharged: item.credits_charged,
        error: item.error,
      })),
    };
  });
}

/** The caller's latest batches (personal, or an org's they may read), newest first. */
export async function listBatches(
  session: DbSession,
  options: { orgId?: string | null; limit?: number } = {},
): Promise<BatchSummary[]> {
  const orgId = options.orgId ?? null;
  const limit = Math.min(Math.max(options.limit ?? 20, 1), 100);
  const rows = await withUser(
    session,
    (tx) => tx<BatchRow[]>`
      select b.id, b.org_id, b.model, b.feature, b.status, b.item_count, b.done_count, b.failed_count,
             b.cancelled_count, b.credits_reserved, b.credits_charged, b.input_tokens, b.output_tokens,
             b.error, b.created_at, b.started_at, b.finished_at,
             (select count(*) from public.ai_batch_items i
              where i.batch_id = b.id and i.status = 'running')::integer as running_count
      from public.ai_batches b
      where ${orgId === null ? tx`b.org_id is null and b.user_id = ${session.userId}` : tx`b.org_id = ${orgId}`}
      order by b.created_at desc limit ${limit}`,
  );
  return rows.map(summaryOf);
}

interface CancelledBatch {
  id: string;
  status: BatchStatus;
  /** Items that had not started and were cancelled by this call. */
  cancelled: number;
  /** Micro-credits their holds released. */
  released: bigint;
  replayed: boolean;
}

/** Cancels the rest of a batch: its pending items' holds are released at once. */
export async function cancelBatch(session: DbSession, batchId: string): Promise<CancelledBatch> {
  if (!UUID.test(batchId)) throw notFound();
  const row = one(
    await withUser(
      session,
      (tx) => tx<{ status: BatchStatus; cancelled: number; released: bigint; replayed: boolean }[]>`
      select * from public.ai_batch_cancel(${batchId}::uuid)`,
    ).catch(planError),
    'result of ai_batch_cancel',
  );
  return {
    id: batchId,
    status: row.status,
    cancelled: row.cancelled,
    released: row.released,
    replayed: row.replayed,
  };
}

import 'server-only';
import { z } from 'zod';
import { AppError, parseInput, subjectFor } from '@/lib/core';
import { withUser, type DbSession } from '@/lib/db';
import { OPERATIONS } from '@/lib/usage';

/**
 * One row per AI call of the caller (or of an org), newest first, with keyset pagination. Read
 * under RLS: a user sees their own calls; in an org, owners and admins see every member's calls
 * and a plain member sees only their own (RLS lets members read the org's events for the
 * aggregate dashboards; per-call detail is narrowed here to what the member did).
 */

const USAGE_STATUSES = [
  'charged',
  'voided',
  'counted',
  'held',
  'cached',
  'byok',
  'failed',
] as const;

const cursorSchema = z.tuple([z.string().min(1).max(40), z.string().regex(/^\d{1,19}$/)]);

export const usageDetailsQuery = z
  .object({
    orgId: z.uuid().optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    model: z.string().trim().min(1).max(128).optional(),
    feature: z.string().trim().min(1).max(100).optional(),
    operation: z.enum(OPERATIONS).optional(),
    status: z.enum(USAGE_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(200).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: 'from must not be after to',
    path: ['from'],
  });
type UsageDetailsQuery = z.input<typeof usageDetailsQuery>;

interface UsageDetailRow {
  id: string;
  time: Date;
  actorId: string | null;
  model: string;
  provider: string;
  operation: string;
  feature: string;
  inputTokens: bigint;
  outputTokens: bigint;
  cachedTokens: bigint;
  images: number;
  audioSeconds: number;
  latencyMs: number | null;
  creditsCharged: bigint;
  cached: boolean;
  byok: boolean;
  status: string;
  errorCode: string | null;
  /** 'passed', 'output_flagged' or 'output_unchecked' when the call was moderated. */
  moderation: string | null;
}

interface Row {
  id: bigint;
  occurred_at: Date;
  cursor_time: string;
  actor_id: string | null;
  model: string;
  provider: string;
  operation: string;
  feature: string;
  input_tokens: bigint;
  output_tokens: bigint;
  cached_tokens: bigint;
  images: number;
  audio_seconds: string;
  latency_ms: number | null;
  credits_charged: bigint;
  cached: boolean;
  source: string;
  status: string;
  error_code: string | null;
  moderation: string | null;
}

function encodeCursor(row: Row): string {
  return Buffer.from(JSON.stringify([row.cursor_time, row.id.toString()])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('validation_failed', 'query.cursor: not a cursor from this endpoint.');
  }
}

export async function listUsageDetails(
  session: DbSession,
  query: UsageDetailsQuery,
): Promise<{ rows: UsageDetailRow[]; nextCursor: string | null }> {
  const q = parseInput(usageDetailsQuery, query);
  const subject = subjectFor(session, q.orgId);
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const rows = await withUser(session, async (tx) => {
    let ownOnly = false;
    if (subject.kind === 'org') {
      const [member] = await tx<{ role: string | null }[]>`
        select private.org_role(${subject.id}::uuid) as role`;
      if (!member?.role) throw new AppError('forbidden', 'You are not a member of this org.');
      ownOnly = member.role === 'member';
    }
    const status = tx`coalesce(e.metadata->>'status', case when e.cached then 'cached'
      when e.source = 'byok' then 'byok' when e.success then 'charged' else 'voided' end)`;
    return tx<Row[]>`
      select e.id, e.occurred_at,
             to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_time,
             e.actor_id, e.model, e.provider, e.operation, e.feature, e.input_tokens, e.output_tokens,
             e.cached_tokens, e.images, e.audio_seconds::text as audio_seconds, e.latency_ms,
             e.credits_charged, e.cached, e.source, ${status} as status, e.error_code,
             e.metadata->>'moderation' as moderation
      from public.usage_events e
      where e.subject_kind = ${subject.kind} and e.subject_id = ${subject.id}::uuid
        ${ownOnly ? tx`and e.actor_id = ${session.userId}::uuid` : tx``}
        ${q.from ? tx`and e.occurred_at >= ${q.from}` : tx``}
        ${q.to ? tx`and e.occurred_at <= ${q.to}` : tx``}
        ${q.model ? tx`and e.model = ${q.model}` : tx``}
        ${q.feature ? tx`and e.feature = ${q.feature}` : tx``}
        ${q.operation ? tx`and e.operation = ${q.operation}` : tx``}
        ${
          q.status === 'failed'
            ? tx`and not e.success`
            : q.status
              ? tx`and ${status} = ${q.status}`
              : tx``
        }
        ${after ? tx`and (e.occurred_at, e.id) < (${after[0]}::timestamptz, ${after[1]}::bigint)` : tx``}
      order by e.occurred_at desc, e.id desc
      limit ${q.limit + 1}`;
  });
  const page = rows.slice(0, q.limit);
  return {
    rows: page.map((row) => ({
      id: row.id.toString(),
      time: row.occurred_at,
      actorId: row.actor_id,
      model: row.model,
      provider: row.provider,
      operation: row.operation,
      feature: row.feature,
      inputTokens: row.input_tokens,
      outputTokens: row.output_tokens,
      cachedTokens: row.cached_tokens,
      images: row.images,
      audioSeconds: Number(row.audio_seconds),
      latencyMs: row.latency_ms,
      creditsCharged: row.credits_charged,
      cached: row.cached,
      byok: row.source === 'byok',
      status: row.status,
      errorCode: row.error_code,
      moderation: row.moderation,
    })),
    nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

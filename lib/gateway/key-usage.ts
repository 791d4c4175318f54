import 'server-only';
import { z } from 'zod';
import { asService } from '@/lib/db';

/**
 * What one API key did: its calls, newest first (keyset-paginated by id), and its month's spend
 * as the ledger counted it for the key's monthly limit. Read as the service, narrowed to the key.
 */

export const keyUsageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Calls per page.'),
  after: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional()
    .describe('The `next` of the previous page.'),
});
type KeyUsageQuery = z.infer<typeof keyUsageQuery>;

export const keyUsage = z.object({
  object: z.literal('list'),
  month: z.object({
    start: z.string().describe('The UTC month the limit counts, as YYYY-MM-DD.'),
    used_micro_credits: z.string(),
    limit_micro_credits: z.string().nullable(),
  }),
  data: z.array(
    z.object({
      id: z.string(),
      created: z.number().int(),
      model: z.string(),
      operation: z.string(),
      prompt_tokens: z.number().int(),
      completion_tokens: z.number().int(),
      cached_tokens: z.number().int(),
      credits_used: z.string(),
      success: z.boolean(),
      error_code: z.string().nullable(),
    }),
  ),
  next: z.string().nullable(),
});
export type KeyUsage = z.infer<typeof keyUsage>;

interface Row {
  id: bigint;
  occurred_at: Date;
  model: string;
  operation: string;
  input_tokens: bigint;
  output_tokens: bigint;
  cached_tokens: bigint;
  credits_charged: bigint;
  success: boolean;
  error_code: string | null;
}

export async function listKeyUsage(
  key: { keyId: string; monthlyLimitMicroCredits: bigint | null },
  query: KeyUsageQuery,
): Promise<KeyUsage> {
  return asService(async (tx) => {
    const [rows, [month]] = await Promise.all([
      tx<Row[]>`
        select id, occurred_at, model, operation, input_tokens, output_tokens, cached_tokens,
               credits_charged, success, error_code
        from public.usage_events
        where api_key_id = ${key.keyId}
          and (${query.after ?? null}::bigint is null or id < ${query.after ?? null}::bigint)
        order by id desc
        limit ${query.limit + 1}`,
      tx<{ start: string; used: bigint | null }[]>`
        select to_char(date_trunc('month', now() at time zone 'UTC'), 'YYYY-MM-DD') as start,
               (select u.used from public.api_key_usage u
                where u.api_key_id = ${key.keyId}
                  and u.month = date_trunc('month', now() at time zone 'UTC')::date) as used`,
    ]);
    const page = rows.slice(0, query.limit);
    return {
      object: 'list' as const,
      month: {
        start: month!.start,
        used_micro_credits: (month!.used ?? 0n).toString(),
        limit_micro_credits: key.monthlyLimitMicroCredits?.toString() ?? null,
      },
      data: page.map((row) => ({
        id: row.id.toString(),
        created: Math.floor(row.occurred_at.getTime() / 1000),
        model: row.model,
        operation: row.operation,
        prompt_tokens: Number(row.input_tokens),
        completion_tokens: Number(row.output_tokens),
        cached_tokens: Number(row.cached_tokens),
        credits_used: row.credits_charged.toString(),
        success: row.success,
        error_code: row.error_code,
      })),
      next: rows.length > query.limit ? page.at(-1)!.id.toString() : null,
    };
  });
}

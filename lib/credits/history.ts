import 'server-only';
import { z } from 'zod';
import { withUser, type DbSession } from '@/lib/db';
import { AppError } from '@/lib/core';
import {
  CATEGORIES,
  TRANSFER_KINDS,
  activityOf,
  type Activity,
  type Category,
  type TransferKind,
} from './schemas';

/** History and usage of one wallet, read under the caller's RLS. */

export interface Transaction {
  id: bigint;
  createdAt: Date;
  kind: TransferKind;
  /** What it was, in the reader's words (a purchase, a plan grant, a feature run, …). */
  activity: Activity;
  /** The product feature a run was for (lead_generation, …), when it was one. */
  feature: string | null;
  category: Category;
  direction: 'credit' | 'debit';
  /** Signed from the wallet's point of view: credits positive, debits negative. */
  amount: bigint;
  description: string | null;
  counterparty: string;
  holdId: bigint | null;
  refundOf: bigint | null;
}

export interface TransactionPage {
  items: Transaction[];
  nextCursor: string | null;
}

export const historyFilters = z.object({
  type: z.enum(TRANSFER_KINDS).optional(),
  category: z.enum(CATEGORIES).optional(),
  direction: z.enum(['credit', 'debit']).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(25),
});
export type HistoryFilters = z.input<typeof historyFilters>;

// Keyset cursor: the (created_at, id) of the last row shown, opaque to clients. The time is
// carried in whole microseconds, as Postgres stores it, so no row of the same millisecond is lost.
function encodeCursor(row: { at_us: bigint; id: bigint }): string {
  return Buffer.from(`${row.at_us}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { atMicros: bigint; id: bigint } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || !/^\d{1,18}$/.test(at) || !/^\d{1,18}$/.test(id)) {
    throw new AppError('validation_failed', 'query.cursor: is not a cursor this API returned.');
  }
  return { atMicros: BigInt(at), id: BigInt(id) };
}

interface Row {
  id: bigint;
  created_at: Date;
  at_us: bigint;
  kind: TransferKind;
  category: Category;
  debit_account_id: string;
  amount: bigint;
  description: string | null;
  counterparty: string | null;
  counterparty_code: string | null;
  feature: string | null;
  hold_id: bigint | null;
  refund_of: bigint | null;
}

export async function listTransactions(
  session: DbSession,
  walletId: string,
  filters: HistoryFilters = {},
): Promise<TransactionPage> {
  const f = historyFilters.parse(filters);
  const after = f.cursor ? decodeCursor(f.cursor) : null;
  const rows = await withUser(
    session,
    (tx) => tx<Row[]>`
    select t.id, t.created_at, (extract(epoch from t.created_at) * 1000000)::bigint as at_us, t.kind, t.category, t.debit_account_id, t.amount, t.description,
           t.hold_id, t.refund_of,
           coalesce(o.name, nullif(p.full_name, ''), p.email, replace(other.system_code, '_', ' ')) as counterparty,
           other.system_code as counterparty_code,
           coalesce(t.metadata ->> 'feature', batch.feature) as feature
    from public.transfers t
    left join public.accounts other
      on other.id = case when t.debit_account_id = ${walletId} then t.credit_account_id else t.debit_account_id end
    -- A batch item's charge names its batch; the batch names the feature.
    left join lateral (
      select b.feature from public.ai_batches b
      where b.id = case when t.metadata ->> 'batchId' ~ '^[0-9a-f-]{36}$'
                        then (t.metadata ->> 'batchId')::uuid end
    ) batch on true
    left join public.organizations o on o.id = other.org_id
    left join public.profiles p on p.id = other.user_id
    where (t.key_account_id = ${walletId} or (t.credit_account_id = ${walletId} and t.kind = 'transfer'))
      ${f.type ? tx`and t.kind = ${f.type}` : tx``}
      ${f.category ? tx`and t.category = ${f.category}` : tx``}
      ${f.direction === 'debit' ? tx`and t.debit_account_id = ${walletId}` : tx``}
      ${f.direction === 'credit' ? tx`and t.credit_account_id = ${walletId}` : tx``}
      ${f.from ? tx`and t.created_at >= ${f.from}` : tx``}
      ${f.to ? tx`and t.created_at < ${f.to}` : tx``}
      ${
        after
          ? tx`and (t.created_at, t.id) < (timestamptz 'epoch' + ${after.atMicros.toString()}::bigint * interval '1 microsecond', ${after.id.toString()}::bigint)`
          : tx``
      }
    order by t.created_at desc, t.id desc
    limit ${f.limit + 1}`,
  );

  const page = rows.slice(0, f.limit);
  return {
    items: page.map((row) => {
      const debit = row.debit_account_id === walletId;
      const direction = debit ? 'debit' : 'credit';
      return {
        id: row.id,
        createdAt: row.created_at,
        kind: row.kind,
        activity: activityOf({
          kind: row.kind,
          category: row.category,
          direction,
          counterpartyCode: row.counterparty_code,
          feature: row.feature,
        }),
        feature: row.feature,
        category: row.category,
        direction,
        amount: debit ? -row.amount : row.amount,
        description: row.description,
        counterparty: row.counterparty ?? 'Another wallet',
        holdId: row.hold_id,
        refundOf: row.refund_of,
      };
    }),
    nextCursor: rows.length > f.limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

export const usagePeriod = z.enum(['7d', '30d', '90d']).default('30d');
export type UsagePeriod = z.output<typeof usagePeriod>;

export interface UsageReport {
  period: UsagePeriod;
  from: Date;
  to: Date;
  total: bigint;
  byCategory: { category: Category; amount: bigint }[];
  daily: { day: string; total: bigint; byCategory: Partial<Record<Category, bigint>> }[];
}

/**
 * What the wallet spent per category and per day (UTC) in the period: spends and posted holds,
 * less refunds of them. Days without spending are present with zero, so charts need no gaps.
 */
export async function getUsageByCategory(
  session: DbSession,
  walletId: string,
  period: UsagePeriod = '30d',
): Promise<UsageReport> {
  const days = Number.parseInt(period, 10);
  const rows = await withUser(
    session,
    (tx) => tx<{ day: string; category: Category | null; amount: bigint }[]>`
    with bounds as (
      select (current_date - ${days - 1}::int)::timestamptz as since
    ), spent as (
      select date_trunc('day', t.created_at)::date as day, t.category,
             sum(case when t.debit_account_id = ${walletId} then t.amount else -t.amount end)::bigint as amount
      from public.transfers t, bounds
      where t.created_at >= bounds.since
        and t.key_account_id = ${walletId} and t.kind in ('spend', 'hold_post', 'refund')
      group by 1, 2
    )
    select to_char(d.day, 'YYYY-MM-DD') as day, s.category, coalesce(s.amount, 0)::bigint as amount
    from generate_series((select since from bounds)::date, current_date, interval '1 day') as d(day)
    left join spent s on s.day = d.day::date
    order by d.day, s.category`,
  );

  const daily = new Map<string, UsageReport['daily'][number]>();
  const byCategory = new Map<Category, bigint>();
  for (const row of rows) {
    const entry = daily.get(row.day) ?? { day: row.day, total: 0n, byCategory: {} };
    if (row.category) {
      entry.byCategory[row.category] = (entry.byCategory[row.category] ?? 0n) + row.amount;
      entry.total += row.amount;
      byCategory.set(row.category, (byCategory.get(row.category) ?? 0n) + row.amount);
    }
    daily.set(row.day, entry);
  }
  const dailyList = [...daily.values()];
  return {
    period,
    from: new Date(`${dailyList[0]?.day ?? new Date().toISOString().slice(0, 10)}T00:00:00Z`),
    to: new Date(),
    total: [...byCategory.values()].reduce((sum, value) => sum + value, 0n),
    byCategory: [...byCategory.entries()]
      .map(([category, amount]) => ({ category, amount }))
      .sort((a, b) => (b.amount > a.amount ? 1 : b.amount < a.amount ? -1 : 0)),
    daily: dailyList,
  };
}

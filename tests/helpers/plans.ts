import type postgres from 'postgres';
import { db, type TestUser } from './fixtures';
import { asUser, clocked } from './ledger';

/** Plan, allowance and usage helpers for tests (set-up as a trusted session, optional clock). */

export const DAY = 86_400_000;
export const PERIOD = 30 * DAY;

export type Kind = 'user' | 'org';

export async function subscribe(kind: Kind, id: string, planId: string, at?: Date) {
  return clocked(at, async (tx) => {
    const [row] = await tx<{ change: string; pending_at: Date | null; credits_granted: bigint }[]>`
      select change, pending_at, credits_granted from public.subscription_change(${kind}, ${id}, ${planId})`;
    return row!;
  });
}

export async function anchorOf(kind: Kind, id: string): Promise<Date> {
  const [row] = await db()<{ anchor_at: Date }[]>`
    select anchor_at from public.subscriptions where subject_kind = ${kind} and subject_id = ${id}`;
  return row!.anchor_at;
}

export interface Consumed {
  log_id: bigint;
  amount: bigint;
  source: string;
  credits_charged: bigint;
  remaining: bigint;
  replayed: boolean;
}

/** token_consume as `user` (committed), at an optional test clock. */
export async function consume(
  user: TestUser,
  kind: Kind,
  id: string,
  tokenType: string,
  actions: number,
  key: string,
  at?: Date,
): Promise<Consumed> {
  return asUser(
    user,
    async (tx) => {
      const [row] = await tx<Consumed[]>`
        select * from public.token_consume(${kind}, ${id}, ${tokenType}, ${actions}, 'test', ${key})`;
      return row!;
    },
    at,
  );
}

export interface BalanceRow {
  token_type: string;
  balance: bigint;
  reserved: bigint;
  period_allowance: bigint;
  period_used: bigint;
  total_allocated: bigint;
  total_used: bigint;
  refresh_at: Date;
  plan_id: string;
}

/** Effective balances as a trusted session sees them at `at`. */
export async function balances(
  kind: Kind,
  id: string,
  at?: Date,
): Promise<Record<string, BalanceRow>> {
  const rows = await clocked(
    at,
    (tx) => tx<BalanceRow[]>`select * from public.token_balances_of(${kind}, ${id})`,
  );
  return Object.fromEntries(rows.map((row) => [row.token_type, row]));
}

/** The SQLSTATE and message a query fails with, or 'ok'. */
export async function failure(
  run: () => Promise<unknown>,
): Promise<{ code: string; message: string }> {
  try {
    await run();
    return { code: 'ok', message: '' };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { code: e.code ?? 'unknown', message: e.message ?? String(error) };
  }
}

/** Rows written by the allowance and usage functions, to prove a refusal wrote nothing. */
export async function writtenRows(): Promise<Record<string, number>> {
  const [row] = await db()<Record<string, number>[]>`
    select (select count(*)::int from public.token_usage_log) as log,
           (select count(*)::int from public.token_balances) as balances,
           (select count(*)::int from public.token_reservations) as reservations,
           (select count(*)::int from public.usage_events) as events,
           (select count(*)::int from public.usage_daily) as daily,
           (select count(*)::int from public.usage_period_tokens) as periods,
           (select count(*)::int from public.rate_limit_counters) as limits,
           (select count(*)::int from public.transfers) as transfers`;
  return row!;
}

export type Tx = postgres.TransactionSql;

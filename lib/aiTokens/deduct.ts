import 'server-only';
import { one, parseInput, runAs, subjectSchema, type Actor, type Subject } from '@/lib/core';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '@/lib/db';
import { changePlan, planError, type PlanChange } from '@/lib/plans';
import { getAllTokenBalances, type TokenBalance } from './balances';
import { tokenUse, type TokenUse } from './schemas';

/**
 * Spending allowances: one SQL call each, atomic and idempotent. deductTokens spends at once;
 * reserve → commit / release is the two-phase form the feature gate uses, so a feature that
 * fails costs nothing.
 */

export type TokenSource = 'allowance' | 'credits';

interface Deduction {
  logId: bigint;
  tokenType: string;
  /** Allowance tokens used (cost per action × actions). */
  amount: number;
  /** allowance, or credits when the plan paid past the allowance. */
  source: TokenSource;
  creditsCharged: bigint;
  /** The allowance balance left. */
  remaining: number;
  replayed: boolean;
}

interface DeductionRow {
  log_id: bigint;
  token_type: string;
  amount: bigint;
  source: TokenSource;
  credits_charged: bigint;
  remaining: bigint;
  replayed: boolean;
}

function toDeduction(row: DeductionRow): Deduction {
  return {
    logId: row.log_id,
    tokenType: row.token_type,
    amount: Number(row.amount),
    source: row.source,
    creditsCharged: row.credits_charged,
    remaining: Number(row.remaining),
    replayed: row.replayed,
  };
}

/**
 * Deducts cost × actions of a feature's allowance. Pass an idempotency key for anything that may
 * be retried: the same key returns the first result and never deducts twice. With rateLimit, the
 * deduction also counts as one request against the plan's hourly limit.
 */
export async function deductTokens(
  actor: Actor,
  subject: Subject,
  input: TokenUse,
  options: { rateLimit?: boolean } = {},
): Promise<Deduction> {
  const { kind, id } = parseInput(subjectSchema, subject);
  const use = parseInput(tokenUse, input);
  const row = one(
    await runAs(actor, async (tx) => {
      const rows = await tx<DeductionRow[]>`
      select * from public.token_consume(${kind}, ${id}, ${use.tokenType}, ${use.actions},
        ${use.feature ?? null}, ${use.idempotencyKey ?? randomUUID()}, ${tx.json(use.metadata)})`;
      // Same transaction, so a refused deduction uses up no request of the hour; last, so the
      // limiter's per-subject counter row stays locked only until commit.
      if (options.rateLimit) {
        await tx`select 1 from public.rate_limit_hit(${kind}, ${id}, false, true)`;
      }
      return rows;
    }).catch(planError),
    'result of token_consume',
  );
  return toDeduction(row);
}

interface Reservation {
  reservationId: bigint;
  tokenType: string;
  amount: number;
  source: TokenSource;
  /** Micro-credits held in the ledger when the plan pays past the allowance. */
  credits: bigint;
  remaining: number;
  expiresAt: Date;
  replayed: boolean;
}

const reserveInput = tokenUse.extend({
  ttlSeconds: z.number().int().min(1).max(3600).default(600),
});
export type ReserveInput = z.input<typeof reserveInput>;

interface ReservationRow {
  reservation_id: bigint;
  token_type: string;
  amount: bigint;
  source: TokenSource;
  credits: bigint;
  remaining: bigint;
  expires_at: Date;
  replayed: boolean;
}

/** Reserves inside an open transaction (the feature gate pairs it with the rate limiter). */
export async function reserveIn(
  tx: Tx,
  subject: Subject,
  input: ReserveInput,
): Promise<Reservation> {
  const { kind, id } = parseInput(subjectSchema, subject);
  const use = parseInput(reserveInput, input);
  const row = one(
    await tx<ReservationRow[]>`
    select * from public.token_reserve(${kind}, ${id}, ${use.tokenType}, ${use.actions},
      ${use.feature ?? null}, ${use.idempotencyKey ?? randomUUID()}, ${use.ttlSeconds},
      ${tx.json(use.metadata)})`,
    'result of token_reserve',
  );
  return {
    reservationId: row.reservation_id,
    tokenType: row.token_type,
    amount: Number(row.amount),
    source: row.source,
    credits: row.credits,
    remaining: Number(row.remaining),
    expiresAt: row.expires_at,
    replayed: row.replayed,
  };
}

export async function reserveTokens(
  actor: Actor,
  subject: Subject,
  input: ReserveInput,
): Promise<Reservation> {
  return runAs(actor, (tx) => reserveIn(tx, subject, input)).catch(planError);
}

const reservationId = z
  .union([z.bigint(), z.number().int().positive().safe(), z.string().regex(/^\d{1,18}$/)])
  .transform((value) => BigInt(value));

/** The feature ran: the reservation counts as used. Retries replay. */
export async function commitReservation(
  actor: Actor,
  reservation: bigint | number | string,
): Promise<Deduction> {
  const idValue = parseInput(reservationId, reservation);
  const row = one(
    await runAs(
      actor,
      (tx) => tx<DeductionRow[]>`select * from public.token_commit(${idValue.toString()}::bigint)`,
    ).catch(planError),
    'result of token_commit',
  );
  return toDeduction(row);
}

/** The feature failed: the reservation returns in full. Retries replay. */
export async function releaseReservation(
  actor: Actor,
  reservation: bigint | number | string,
): Promise<{ released: number; remaining: number; replayed: boolean }> {
  const idValue = parseInput(reservationId, reservation);
  const row = one(
    await runAs(
      actor,
      (tx) => tx<{ released: bigint; remaining: bigint; replayed: boolean }[]>`
      select released, remaining, replayed from public.token_release(${idValue.toString()}::bigint)`,
    ).catch(planError),
    'result of token_release',
  );
  return {
    released: Number(row.released),
    remaining: Number(row.remaining),
    replayed: row.replayed,
  };
}

/**
 * Moves a subject to a plan and returns its balances afterwards: an upgrade applies at once (the
 * new allowance less what was used this period), a downgrade at the period end. Service or
 * platform admin only.
 */
export async function upgradeTokens(
  actor: Actor,
  subject: Subject,
  planId: string,
): Promise<{ change: PlanChange; balances: TokenBalance[] }> {
  const change = await changePlan(actor, subject, planId);
  return { change, balances: await getAllTokenBalances(actor, subject) };
}

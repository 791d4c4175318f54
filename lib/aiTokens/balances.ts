import 'server-only';
import {
  one,
  AppError,
  parseInput,
  runAs,
  subjectSchema,
  type Actor,
  type Subject,
} from '@/lib/core';
import { statementAs } from '@/lib/db';
import { planError } from '@/lib/plans';
import { actions as actionsSchema, tokenTypeName } from './schemas';

/**
 * Reading allowances. Balances are computed as the next operation would see them: a period that
 * has passed reads as refreshed and lapsed reservations as returned, without writing anything.
 */

export interface TokenBalance {
  tokenType: string;
  label: string;
  costPerAction: number;
  planId: string;
  /** This period's allowance. */
  allowance: number;
  /** What can be spent now. */
  balance: number;
  /** Held by features that are still running. */
  reserved: number;
  periodUsed: number;
  totalAllocated: number;
  totalUsed: number;
  periodStart: Date;
  refreshAt: Date;
  lastUsedAt: Date | null;
  /** Whole actions the balance still pays for. */
  actionsLeft: number;
}

interface BalanceRow {
  token_type: string;
  label: string;
  cost_per_action: number;
  plan_id: string;
  period_allowance: bigint;
  balance: bigint;
  reserved: bigint;
  period_used: bigint;
  total_allocated: bigint;
  total_used: bigint;
  period_start: Date;
  refresh_at: Date;
  last_used_at: Date | null;
}

function toBalance(row: BalanceRow): TokenBalance {
  const balance = Number(row.balance);
  return {
    tokenType: row.token_type,
    label: row.label,
    costPerAction: row.cost_per_action,
    planId: row.plan_id,
    allowance: Number(row.period_allowance),
    balance,
    reserved: Number(row.reserved),
    periodUsed: Number(row.period_used),
    totalAllocated: Number(row.total_allocated),
    totalUsed: Number(row.total_used),
    periodStart: row.period_start,
    refreshAt: row.refresh_at,
    lastUsedAt: row.last_used_at,
    actionsLeft: Math.floor(balance / row.cost_per_action),
  };
}

export async function getAllTokenBalances(actor: Actor, subject: Subject): Promise<TokenBalance[]> {
  const { kind, id } = parseInput(subjectSchema, subject);
  const rows = await runAs(
    actor,
    (tx) => tx<BalanceRow[]>`select * from public.token_balances_of(${kind}, ${id})`,
  ).catch(planError);
  return rows.map(toBalance);
}

export async function getTokenBalance(
  actor: Actor,
  subject: Subject,
  tokenType: string,
): Promise<TokenBalance> {
  const name = parseInput(tokenTypeName, tokenType);
  const found = (await getAllTokenBalances(actor, subject)).find((row) => row.tokenType === name);
  if (!found) throw new AppError('not_found', `There is no token type ${name}.`);
  return found;
}

/**
 * Creates the subject's balances for its plan (idempotent) and returns them. Reads and
 * deductions create them lazily too; this is for code that wants them in place up front (a new
 * org, a plan change shown at once).
 */
export async function initializeTokens(actor: Actor, subject: Subject): Promise<TokenBalance[]> {
  const { kind, id } = parseInput(subjectSchema, subject);
  await runAs(actor, (tx) => tx`select * from public.token_init(${kind}, ${id})`).catch(planError);
  return getAllTokenBalances(actor, subject);
}

type CheckReason = 'ok' | 'credits' | 'insufficient' | 'upgrade_required';

interface TokenCheck {
  allowed: boolean;
  /** ok: the allowance pays; credits: the plan spends credits past the allowance. */
  reason: CheckReason;
  tokenType: string;
  needed: number;
  balance: number;
  /** Micro-credits the use would cost past the allowance (reason credits / insufficient). */
  creditsNeeded: bigint;
  creditsAvailable: bigint | null;
  planId: string;
  refreshAt: Date;
}

/** Pre-flight: could the subject use `actions` of a feature now? Writes nothing. */
export async function checkTokens(
  actor: Actor,
  subject: Subject,
  tokenType: string,
  actions = 1,
): Promise<TokenCheck> {
  const { kind, id } = parseInput(subjectSchema, subject);
  const name = parseInput(tokenTypeName, tokenType);
  const count = parseInput(actionsSchema, actions);
  // A read: one statement in one round trip (BEGIN, claims, the check and COMMIT sent together).
  const row = one(
    await statementAs(
      actor,
      (tx) =>
        tx<
          {
            allowed: boolean;
            reason: CheckReason;
            token_type: string;
            needed: bigint;
            balance: bigint;
            credits_needed: bigint;
            credits_available: bigint | null;
            plan_id: string;
            refresh_at: Date;
          }[]
        >`select * from public.token_check(${kind}, ${id}, ${name}, ${count})`,
    ).catch(planError),
    'result of token_check',
  );
  return {
    allowed: row.allowed,
    reason: row.reason,
    tokenType: row.token_type,
    needed: Number(row.needed),
    balance: Number(row.balance),
    creditsNeeded: row.credits_needed,
    creditsAvailable: row.credits_available,
    planId: row.plan_id,
    refreshAt: row.refresh_at,
  };
}

export async function hasEnoughTokens(
  actor: Actor,
  subject: Subject,
  tokenType: string,
  actions = 1,
): Promise<boolean> {
  return (await checkTokens(actor, subject, tokenType, actions)).allowed;
}

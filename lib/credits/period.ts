import 'server-only';
import { withUser, type DbSession } from '@/lib/db';
import { ledgerError, NotFoundError } from './errors';
import type { WalletRef } from './wallets';

/**
 * How far a wallet is into its plan's monthly credit grant this period, and how far into each
 * per-feature allowance: the numbers behind the balance card's progress bar and the limit
 * warnings. Read under the caller's RLS in one transaction, so grant, spending and allowances
 * describe the same moment.
 */

interface AllowanceProgress {
  tokenType: string;
  label: string;
  /** Allowance tokens this period. */
  allowance: number;
  /** Used or held by running features. */
  used: number;
}

export interface PeriodGrantProgress {
  planId: string;
  planName: string;
  periodStart: Date;
  periodEnd: Date;
  /** The plan's monthly credit grant, micro-credits (0 when the plan grants none). */
  grant: bigint;
  /** What the wallet spent since the period started (spends and usage charges less refunds). */
  spent: bigint;
  /** spent / grant in basis points (10,000 = 100 %), computed on the integers; 0 without a grant. */
  usedBasisPoints: number;
  /** Per-feature allowances the plan includes (allowance above zero), in display order. */
  allowances: AllowanceProgress[];
}

/** Share in basis points, rounded down, on bigints: no float touches the money. */
export function basisPoints(part: bigint, whole: bigint): number {
  if (whole <= 0n || part <= 0n) return 0;
  return Number((part * 10_000n) / whole);
}

interface PlanRow {
  plan_id: string;
  plan_name: string;
  period_start: Date;
  period_end: Date;
  monthly_credit_grant: bigint;
}

interface AllowanceRow {
  token_type: string;
  label: string;
  period_allowance: bigint;
  balance: bigint;
}

export async function getPeriodGrantProgress(
  session: DbSession,
  ref: WalletRef,
): Promise<PeriodGrantProgress> {
  const [kind, subjectId] =
    ref.type === 'personal' ? (['user', session.userId] as const) : (['org', ref.orgId] as const);
  return withUser(session, async (tx) => {
    const [plan] = await tx<PlanRow[]>`
      select plan_id, plan_name, period_start, period_end, monthly_credit_grant
      from public.subscription_current(${kind}, ${subjectId})`.catch(ledgerError);
    const [wallet] = await tx<{ id: string }[]>`
      select id from public.accounts
      where ${kind === 'user' ? tx`user_id = ${subjectId}` : tx`org_id = ${subjectId}`}`;
    if (!plan || !wallet) {
      throw new NotFoundError(
        ref.type === 'personal' ? 'Your wallet was not found.' : 'Organization not found.',
      );
    }
    const [{ spent } = { spent: 0n }] = await tx<{ spent: bigint }[]>`
      select coalesce(sum(case when t.debit_account_id = ${wallet.id} then t.amount else -t.amount end), 0)::bigint as spent
      from public.transfers t
      where t.key_account_id = ${wallet.id} and t.kind in ('spend', 'hold_post', 'refund')
        and t.created_at >= ${plan.period_start}`;
    const allowances = await tx<AllowanceRow[]>`
      select token_type, label, period_allowance, balance
      from public.token_balances_of(${kind}, ${subjectId})`.catch(ledgerError);

    const positive = spent > 0n ? spent : 0n;
    return {
      planId: plan.plan_id,
      planName: plan.plan_name,
      periodStart: plan.period_start,
      periodEnd: plan.period_end,
      grant: plan.monthly_credit_grant,
      spent: positive,
      usedBasisPoints: basisPoints(positive, plan.monthly_credit_grant),
      allowances: allowances
        .filter((row) => row.period_allowance > 0n)
        .map((row) => {
          const allowance = Number(row.period_allowance);
          return {
            tokenType: row.token_type,
            label: row.label,
            allowance,
            used: Math.max(allowance - Number(row.balance), 0),
          };
        }),
    };
  });
}

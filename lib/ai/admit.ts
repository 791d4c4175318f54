import 'server-only';
import type { Hold } from '@/lib/credits';
import { withUser, type DbSession } from '@/lib/db';
import { AppError } from '@/lib/api';
import { InsufficientAllowanceError, planError, type Subject } from '@/lib/plans';

/**
 * Admission of a metered call in ONE transaction as the caller: rate limit → plan limit → wallet
 * → hold. All or nothing: a call refused by the plan limit or for credits counts no request, and
 * the gateway pays one round trip instead of four (each step is still its own SQL function that
 * checks the caller).
 */

export interface Admission {
  walletId: string;
  hold: Hold | null;
}

export interface HoldRequest {
  amount: bigint;
  idempotencyKey: string;
  ttlSeconds: number;
  description: string;
  metadata: Record<string, string>;
}

interface ReserveRow {
  hold_id: bigint;
  amount: bigint;
  expires_at: Date;
  available: bigint;
  replayed: boolean;
}

export function admitCall(
  session: DbSession,
  subject: Subject,
  args: { byok: boolean; estimate: number; hold: HoldRequest | null },
): Promise<Admission> {
  return withUser(session, async (tx) => {
    // Three independent statements, sent together (one round trip); they still run in order, and
    // a refused rate limit aborts the transaction before the others count for anything.
    const [, [limit], [wallet]] = await Promise.all([
      tx`select 1 from public.rate_limit_hit(${subject.kind}, ${subject.id}, ${args.byok}, true)`,
      tx<{ allowed: boolean; estimate: bigint; remaining: bigint | null }[]>`
        select allowed, estimate, remaining
        from public.quota_check(${subject.kind}, ${subject.id}, ${args.estimate}::bigint, ${args.byok})`,
      subject.kind === 'user'
        ? tx<{ id: string }[]>`select id from public.accounts where user_id = ${subject.id}`
        : tx<{ id: string }[]>`select id from public.accounts where org_id = ${subject.id}`,
    ]);
    if (!limit?.allowed) {
      throw new InsufficientAllowanceError(
        "This period's LLM token limit of your plan is reached.",
        { needed: args.estimate, available: Number(limit?.remaining ?? 0) },
      );
    }
    if (!wallet) throw new AppError('not_found', 'The wallet was not found.');
    if (!args.hold) return { walletId: wallet.id, hold: null };
    const h = args.hold;
    const [row] = await tx<ReserveRow[]>`
      select * from public.credit_reserve(${wallet.id}, ${h.amount.toString()}::bigint, 'ai_usage',
        ${h.idempotencyKey}, ${h.ttlSeconds}, ${h.description}, ${tx.json(h.metadata)})`;
    return {
      walletId: wallet.id,
      hold: {
        holdId: row!.hold_id,
        amount: row!.amount,
        expiresAt: row!.expires_at,
        available: row!.available,
        replayed: row!.replayed,
      },
    };
  }).catch(planError);
}

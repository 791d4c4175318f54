import 'server-only';
import { reserveCredits, type Hold } from '@/lib/credits';
import { withUser, type DbSession } from '@/lib/db';
import { AppError, type Subject } from '@/lib/core';
import { InsufficientAllowanceError, planError } from '@/lib/plans';

/**
 * Admission of a metered call in ONE transaction as the caller: rate limit → plan limit → wallet
 * → hold. All or nothing: a call refused by the plan limit or for credits counts no request, and
 * the gateway pays one round trip instead of four (each step is still its own SQL function that
 * checks the caller).
 */

interface Admission {
  walletId: string;
  hold: Hold | null;
}

interface HoldRequest {
  amount: bigint;
  idempotencyKey: string;
  ttlSeconds: number;
  description: string;
  metadata: Record<string, string>;
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
    const hold = await reserveCredits(
      session,
      { walletId: wallet.id, category: 'ai_usage', ...args.hold },
      tx,
    );
    return { walletId: wallet.id, hold };
  }).catch(planError);
}

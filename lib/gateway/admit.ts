import 'server-only';
import { reserveCredits, type Hold } from '@/lib/credits';
import { withUser, type DbSession } from '@/lib/db';
import { AppError, type Subject } from '@/lib/core';
import { InsufficientAllowanceError, RateLimitedError, planError } from '@/lib/plans';

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

interface Precheck {
  requests_per_hour: number;
  requests_this_hour: number;
  requests_reset_at: Date;
  token_limit: bigint | null;
  counted_tokens: bigint;
  overage_policy: string;
  byok_counts_toward_limits: boolean;
  plan_name: string;
  available: bigint | null;
}

/**
 * The cheap refusals, before any expensive work on a large input (counting its tokens, asking
 * for moderation): one read-only round trip that refuses a call the rate limit, the plan's token
 * limit or the wallet could not admit even at the least the input can cost (`least`, a lower
 * bound from its byte length). What passes is admitted for real by admitCall.
 */
export async function precheckAdmission(
  session: DbSession,
  subject: Subject,
  args: { byok: boolean; leastTokens: number; leastCredits: bigint },
): Promise<void> {
  const [row] = await withUser(
    session,
    (tx) => tx<Precheck[]>`
      select q.requests_per_hour, q.requests_this_hour, q.requests_reset_at, q.token_limit,
             q.counted_tokens, q.overage_policy, q.byok_counts_toward_limits, q.plan_name,
             (select s.available
              from public.accounts a cross join lateral public.credit_summary(a.id) s
              where (${subject.kind} = 'user' and a.user_id = ${subject.id})
                 or (${subject.kind} = 'org' and a.org_id = ${subject.id})) as available
      from public.quota_status(${subject.kind}, ${subject.id}) q`,
  ).catch(planError);
  if (!row) return;
  const exempt = args.byok && !row.byok_counts_toward_limits;
  if (!exempt && row.requests_this_hour >= row.requests_per_hour) {
    const wait = Math.max(1, Math.ceil((row.requests_reset_at.getTime() - Date.now()) / 1000));
    throw new RateLimitedError(
      `Rate limit reached: your ${row.plan_name} plan allows ${row.requests_per_hour} requests per hour. Try again in ${wait} seconds.`,
      { retryAfter: wait, limit: row.requests_per_hour, resetAt: row.requests_reset_at },
    );
  }
  if (
    !exempt &&
    row.token_limit !== null &&
    row.overage_policy !== 'credits' &&
    row.counted_tokens + BigInt(args.leastTokens) > row.token_limit
  ) {
    throw new InsufficientAllowanceError("This period's LLM token limit of your plan is reached.", {
      needed: args.leastTokens,
      available: Number(row.token_limit - row.counted_tokens),
    });
  }
  if (!args.byok && row.available !== null && row.available < args.leastCredits) {
    throw new AppError(
      'insufficient_credits',
      `Insufficient credits: at least ${args.leastCredits} micro-credits needed, ${row.available} available.`,
      { needed: args.leastCredits.toString(), available: row.available.toString() },
    );
  }
}

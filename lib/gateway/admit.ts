import 'server-only';
import { ledgerError, type Hold } from '@/lib/credits';
import { statementAs, withUser, type DbSession } from '@/lib/db';
import { AppError, toAppError, type Subject } from '@/lib/core';
import { InsufficientAllowanceError, RateLimitedError, planError } from '@/lib/plans';

/**
 * Admission of a metered call in ONE SQL statement and one round trip (public.ai_admit): the
 * price check, the plan's paywall, kill switches, rate limit, plan limit, wallet and hold, all or
 * nothing. A call refused by the plan limit or for credits counts no request.
 */

interface Admission {
  /** The price in force; when it is not the one the hold was priced with, nothing was done. */
  priceId: bigint;
  walletId: string | null;
  hold: Hold | null;
}

interface HoldRequest {
  amount: bigint;
  idempotencyKey: string;
  ttlSeconds: number;
  description: string;
  metadata: Record<string, string>;
}

interface AdmitRow {
  price_id: bigint;
  wallet_id: string | null;
  hold_id: bigint | null;
  hold_amount: bigint | null;
  expires_at: Date | null;
  available: bigint | null;
  replayed: boolean | null;
}

const PLAN_CODES = new Set(['upgrade_required', 'insufficient_allowance', 'rate_limited']);

/** A refusal as its typed error: the plan's (allowance, rate) or the ledger's (credits, limits). */
function admissionError(error: unknown): never {
  const code = toAppError(error)?.code;
  return code && PLAN_CODES.has(code) ? planError(error) : ledgerError(error);
}

export async function admitCall(
  session: DbSession,
  subject: Subject,
  args: {
    modelId: string;
    feature: string;
    priceId: bigint;
    byok: boolean;
    estimate: number;
    hold: HoldRequest | null;
  },
): Promise<Admission> {
  const hold = args.hold;
  const [row] = await statementAs(
    session,
    (sql) => sql<AdmitRow[]>`
      select * from public.ai_admit(${subject.kind}, ${subject.id}, ${args.modelId}, ${args.feature},
        ${args.priceId.toString()}::bigint, ${args.byok}, ${args.estimate}::bigint,
        ${hold ? hold.amount.toString() : null}::bigint, ${hold?.idempotencyKey ?? null},
        ${hold?.ttlSeconds ?? null}::integer, ${hold?.description ?? null},
        ${hold ? sql.json(hold.metadata) : null}::jsonb)`,
  ).catch(admissionError);
  if (!row) throw new AppError('not_found', 'The wallet was not found.');
  return {
    priceId: row.price_id,
    walletId: row.wallet_id,
    hold:
      row.hold_id === null
        ? null
        : {
            holdId: row.hold_id,
            amount: row.hold_amount!,
            expiresAt: row.expires_at!,
            available: row.available!,
            replayed: row.replayed!,
          },
  };
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

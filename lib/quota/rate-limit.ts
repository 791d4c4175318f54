import 'server-only';
import { one, parseInput, runAs, subjectSchema, type Actor, type Subject } from '@/lib/core';
import { planError } from '@/lib/plans';

/**
 * The requests-per-hour limiter, kept in Postgres: one atomic upsert per request, so the limit is
 * exact however many app instances serve the traffic. Windows are clock hours (UTC).
 */

interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetAt: Date;
  /** Seconds until a request would be admitted again (0 when allowed). */
  retryAfter: number;
}

async function hit(actor: Actor, subject: Subject, byok: boolean, raise: boolean) {
  const { kind, id } = parseInput(subjectSchema, subject);
  const row = one(
    await runAs(
      actor,
      (tx) =>
        tx<
          {
            allowed: boolean;
            request_limit: number;
            remaining: number;
            reset_at: Date;
            retry_after: number;
          }[]
        >`select * from public.rate_limit_hit(${kind}, ${id}, ${byok}, ${raise})`,
    ).catch(planError),
    'result of rate_limit_hit',
  );
  return {
    allowed: row.allowed,
    limit: row.request_limit,
    remaining: row.remaining,
    resetAt: row.reset_at,
    retryAfter: row.retry_after,
  };
}

/** Counts a request if the hour allows it; reports the outcome without throwing. */
export function takeRequest(
  actor: Actor,
  subject: Subject,
  options: { byok?: boolean } = {},
): Promise<RateLimitResult> {
  return hit(actor, subject, options.byok ?? false, false);
}

/** Counts a request or throws RateLimitedError (429 with Retry-After). */
export function enforceRateLimit(
  actor: Actor,
  subject: Subject,
  options: { byok?: boolean } = {},
): Promise<RateLimitResult> {
  return hit(actor, subject, options.byok ?? false, true);
}

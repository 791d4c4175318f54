/**
 * When a failed delivery is tried again: 30 s, 1 min, 2 min, 4 min … doubling up to 1 h between
 * attempts, each delay shortened by up to 20 % at random (jitter, so receivers that come back
 * are not hit by every sender at once), for at most 24 h after the first attempt. Tests (and
 * anyone who needs it) replace the policy with `setRetryPolicy`.
 */

interface RetryPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  /** No attempt starts later than this after the first one. */
  windowMs: number;
  /** Fraction (0–1) by which a delay may be shortened at random. */
  jitter: number;
  /** How long one HTTP attempt may take. */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  firstDelayMs: 30_000,
  maxDelayMs: 60 * 60_000,
  windowMs: 24 * 60 * 60_000,
  jitter: 0.2,
  timeoutMs: 10_000,
};

let current: RetryPolicy = DEFAULT_RETRY_POLICY;

export function retryPolicy(): RetryPolicy {
  return current;
}

/** Replaces parts of the policy (undefined = back to the default). */
export function setRetryPolicy(policy?: Partial<RetryPolicy>): void {
  current = { ...DEFAULT_RETRY_POLICY, ...policy };
}

/** The delay before attempt `failedAttempt + 1`, jitter applied. */
export function retryDelayMs(
  failedAttempt: number,
  policy: RetryPolicy = current,
  random = Math.random,
): number {
  const exponent = Math.min(Math.max(failedAttempt - 1, 0), 30);
  const base = Math.min(policy.firstDelayMs * 2 ** exponent, policy.maxDelayMs);
  return Math.round(base * (1 - policy.jitter * random()));
}

/** When to try again after a failed attempt, or null when the retry window is over. */
export function nextAttemptAt(
  failedAttempt: number,
  firstAttemptAt: Date,
  now: Date = new Date(),
  policy: RetryPolicy = current,
): Date | null {
  const at = new Date(now.getTime() + retryDelayMs(failedAttempt, policy));
  return at.getTime() - firstAttemptAt.getTime() > policy.windowMs ? null : at;
}

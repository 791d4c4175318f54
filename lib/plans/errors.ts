import 'server-only';
import { AppError, toAppError } from '@/lib/core';

/**
 * Typed errors for plan limits, made from the SQLSTATEs the plan, allowance and quota functions
 * raise. Each keeps the problem+json status, detail and extensions that lib/api would produce.
 */

/** The plan does not include the feature (403); upgradeTo names the cheapest plan that does. */
export class UpgradeRequiredError extends AppError {
  readonly upgradeTo: string | null;
  constructor(detail: string, extensions: Record<string, unknown> = {}) {
    super('upgrade_required', detail, extensions);
    this.upgradeTo = typeof extensions.upgradeTo === 'string' ? extensions.upgradeTo : null;
  }
}

/** The allowance for this period cannot cover the use (402). */
export class InsufficientAllowanceError extends AppError {
  readonly needed: number;
  readonly available: number;
  constructor(detail: string, extensions: Record<string, unknown> = {}) {
    super('insufficient_allowance', detail, extensions);
    this.needed = Number(extensions.needed ?? 0);
    this.available = Number(extensions.available ?? 0);
  }
}

/** Too many requests this hour (429); retryAfter seconds also travel as a Retry-After header. */
export class RateLimitedError extends AppError {
  readonly retryAfter: number;
  constructor(detail: string, extensions: Record<string, unknown> = {}) {
    const retryAfter = Math.max(1, Math.ceil(Number(extensions.retryAfter ?? 1)));
    super('rate_limited', detail, extensions, { 'Retry-After': String(retryAfter) });
    this.retryAfter = retryAfter;
  }
}

/** Re-throws a database failure as its typed error; anything unexpected passes through. */
export function planError(error: unknown): never {
  const known = toAppError(error);
  if (!known) throw error;
  switch (known.code) {
    case 'upgrade_required':
      throw new UpgradeRequiredError(known.message, known.extensions);
    case 'insufficient_allowance':
      throw new InsufficientAllowanceError(known.message, known.extensions);
    case 'rate_limited':
      throw new RateLimitedError(known.message, known.extensions);
    default:
      throw known;
  }
}

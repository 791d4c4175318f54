import 'server-only';
import { AppError, toAppError } from '@/lib/core';
import { noteRefusedSpend } from './refused';

/** The ledger's typed errors, made from the SQLSTATEs its functions raise. */

class InsufficientCreditsError extends AppError {
  constructor(
    readonly needed: bigint,
    readonly available: bigint,
    detail = `Insufficient credits: ${needed} micro-credits needed, ${available} available.`,
    /** Why, when a limit rather than the balance refused it (member_limit, key_limit) and its figures. */
    limit: Record<string, unknown> = {},
  ) {
    super('insufficient_credits', detail, {
      ...limit,
      needed: needed.toString(),
      available: available.toString(),
    });
  }
}

class IdempotencyConflictError extends AppError {
  constructor(detail: string, extensions: Record<string, unknown> = {}) {
    super('idempotency_conflict', detail, extensions);
  }
}

export class NotFoundError extends AppError {
  constructor(detail: string, extensions: Record<string, unknown> = {}) {
    super('not_found', detail, extensions);
  }
}

class ForbiddenError extends AppError {
  constructor(detail: string, extensions: Record<string, unknown> = {}) {
    super('forbidden', detail, extensions);
  }
}

/** Re-throws a ledger failure as its typed error (others pass through unchanged). */
export function ledgerError(error: unknown): never {
  const known = toAppError(error);
  if (!known) throw error;
  const extra = known.extensions;
  switch (known.code) {
    case 'insufficient_credits':
      void noteRefusedSpend(known); // recorded as an alert, outside the rolled-back spend
      throw new InsufficientCreditsError(
        BigInt(String(extra.needed ?? '0')),
        BigInt(String(extra.available ?? '0')),
        known.message,
        extra.reason === undefined
          ? {}
          : { reason: extra.reason, limit: extra.limit, used: extra.used },
      );
    case 'member_limit_reached':
      void noteRefusedSpend(known); // the member hears of it once a month, outside the rollback
      throw known;
    case 'idempotency_conflict':
      throw new IdempotencyConflictError(known.message, extra);
    case 'not_found':
      throw new NotFoundError(known.message, extra);
    case 'forbidden':
      throw new ForbiddenError(known.message, extra);
    default:
      throw known;
  }
}

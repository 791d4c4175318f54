import 'server-only';
import { randomUUID } from 'node:crypto';
import { withUser, type DbSession } from '@/lib/db';
import { planError } from '@/lib/plans';
import { subjectFor, type Subject } from '@/lib/core';
import { commitReservation, releaseReservation, reserveIn, type TokenSource } from './deduct';

/**
 * The feature gate for server actions:
 *
 *   const { result, remaining } = await withFeature('lead_generation', { session, orgId }, () => findLeads());
 *
 * Before fn runs: one request is counted against the plan's hourly limit (429 when over) and the
 * feature's cost is reserved from the allowance — or, past it on a plan that spends credits, held
 * in credits. Starter-like plans without the feature get UpgradeRequiredError (403); a spent
 * allowance InsufficientAllowanceError (402). Only when fn succeeds is the reservation
 * committed; when it throws, the reservation is released and nothing is deducted.
 */

interface FeatureSubject {
  session: DbSession;
  /** Use the org's allowance; without it, the signed-in user's own. */
  orgId?: string | null;
}

interface FeatureOptions {
  actions?: number;
  /** The product feature (defaults to the token type), for the usage log. */
  feature?: string;
  /** Makes a retried call run against the same reservation instead of a second one. */
  idempotencyKey?: string;
  metadata?: Record<string, unknown>;
  /** Count the call against the requests-per-hour limit (default true). */
  rateLimit?: boolean;
  /** How long the reservation may wait for fn (default 600 s): a hung call cannot hold it forever. */
  ttlSeconds?: number;
}

interface FeatureContext {
  subject: Subject;
  reservationId: bigint;
  idempotencyKey: string;
}

export interface FeatureOutcome<T> {
  result: T;
  tokenType: string;
  charged: { source: TokenSource; tokens: number; credits: bigint };
  /** The allowance balance left after this use. */
  remaining: number;
}

export async function withFeature<T>(
  tokenType: string,
  who: FeatureSubject,
  fn: (context: FeatureContext) => Promise<T>,
  options: FeatureOptions = {},
): Promise<FeatureOutcome<T>> {
  const subject = subjectFor(who.session, who.orgId);
  const idempotencyKey = options.idempotencyKey ?? randomUUID();
  // One transaction, so a refused reservation uses up no request of the hour. The limiter goes
  // last: its per-subject counter row stays locked only until this transaction commits.
  const reservation = await withUser(who.session, async (tx) => {
    const held = await reserveIn(tx, subject, {
      tokenType,
      actions: options.actions,
      feature: options.feature ?? tokenType,
      idempotencyKey,
      metadata: options.metadata,
      ttlSeconds: options.ttlSeconds,
    });
    if (options.rateLimit ?? true) {
      await tx`select 1 from public.rate_limit_hit(${subject.kind}, ${subject.id}, false, true)`;
    }
    return held;
  }).catch(planError);

  let result: T;
  try {
    result = await fn({ subject, reservationId: reservation.reservationId, idempotencyKey });
  } catch (error) {
    await releaseReservation(who.session, reservation.reservationId).catch(
      (releaseFailure: unknown) => {
        // The reservation lapses on its own at its expiry; the caller still sees fn's error.
        console.error(
          `could not release token reservation ${reservation.reservationId}`,
          releaseFailure,
        );
      },
    );
    throw error;
  }
  const committed = await commitReservation(who.session, reservation.reservationId);
  return {
    result,
    tokenType: committed.tokenType,
    charged: {
      source: committed.source,
      tokens: committed.amount,
      credits: committed.creditsCharged,
    },
    remaining: committed.remaining,
  };
}

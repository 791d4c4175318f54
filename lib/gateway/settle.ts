import 'server-only';
import { getWalletSummary, ledgerError, type Hold } from '@/lib/credits';
import { statementAs, type DbSession } from '@/lib/db';
import { AppError, type Subject } from '@/lib/core';
import { recordUsage, usageEventJson, type Operation, type UsageEventInput } from '@/lib/usage';
import type { CallContext } from './catalog';
import { Meter, type MeterState } from './meter';
import { creditsFor, providerCostMicroUsd, type MeteredUsage } from './pricing';
import { timed } from './steps';
import { countTokens } from './tokenizer';

/**
 * Settlement, run once when a provider call ends: an error before any output voids the hold;
 * known usage is charged price × usage, rounded up to the micro-credit. Without the provider's
 * usage (the client stopped, the connection dropped, the provider did not say), the gateway's own
 * count is charged: the prompt's tokens plus those of the output it relayed, at the price in
 * force and never above the hold; the hold itself only when nothing can be counted (a call with
 * no text prompt). The usage is recorded with the ledger movement (idempotent by the call id).
 * What the call came to is known before that commits, so a stream's last chunk need not wait
 * for it; a process that dies in between leaves the hold to `ai_settle_overdue`.
 */

export interface CallOutcome {
  callId: string;
  /**
   * charged: by usage; voided: nothing was produced; counted: usage unknown, charged by the
   * gateway's count of input and relayed output; held: nothing countable, the hold was charged;
   * cached: answered from the response cache (charged by the cache policy, free by default);
   * byok: made with the subject's own provider key (no credits).
   */
  status: 'charged' | 'voided' | 'counted' | 'held' | 'cached' | 'byok';
  creditsUsed: bigint;
  usage: MeteredUsage | null;
  /** The wallet's available micro-credits after settling. */
  available: bigint;
  holdId: bigint | null;
  errorCode: string | null;
}

/** What the gateway can count itself: the input, and the output it passed on. */
function countedUsage(countInput: () => number, state: MeterState): MeteredUsage {
  return {
    inputTokens: countInput(),
    cachedInputTokens: 0,
    outputTokens: state.relayed.length > 0 ? countTokens(state.relayed.join('')) : 0,
  };
}

function errorCodeOf(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'aborted';
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? `provider_${status}` : 'provider_error';
}

interface SettleTarget {
  callId: string;
  context: CallContext;
  subject: Subject;
  walletId: string;
  hold: Hold | null;
  /** Counts the input's tokens (no margin); null when the input is no text (images, audio). */
  countInput: (() => number) | null;
}

/**
 * What the call comes to, from what the meter saw, without the database: the status, the
 * micro-credits to post (null: void the hold) and the usage to record. Pure, so the response's
 * last chunk can say it before the settlement commits.
 */
function priceCall(call: SettleTarget, hold: Hold, state: MeterState) {
  const { context } = call;
  // Counted outside the transaction: linear in the text, and no lock waits on it.
  const counted =
    !state.usage && (state.sawOutput || state.clientStopped) && call.countInput
      ? countedUsage(call.countInput, state)
      : null;
  if (state.usage) {
    return {
      status: 'charged' as const,
      actual: creditsFor(context.price, state.usage),
      usage: state.usage,
    };
  }
  if (counted) {
    const price = creditsFor(context.price, counted);
    return {
      status: 'counted' as const,
      actual: price < hold.amount ? price : hold.amount,
      usage: counted,
    };
  }
  if (!state.sawOutput) return { status: 'voided' as const, actual: null, usage: null };
  return { status: 'held' as const, actual: hold.amount, usage: null };
}

/** A call's outcome, told before its settlement commits, and the settlement itself. */
interface Settlement {
  /**
   * What the call was charged, as the settlement will post it: known at once when the hold
   * covers the charge (the wallet's available is then as of the call's admission plus what the
   * hold gives back); otherwise it waits for the settlement.
   */
  outcome: Promise<CallOutcome>;
  /** The settlement committed: the ledger movement and the usage row, with the wallet's balance. */
  settled: Promise<CallOutcome>;
}

function settle(
  session: DbSession,
  call: SettleTarget,
  operation: Operation,
  feature: string,
  startedAt: number,
  state: MeterState,
): Settlement {
  const { hold } = call;
  if (!hold) {
    const settled = settleByok(session, call, operation, feature, startedAt, state);
    return { outcome: settled, settled };
  }
  const errorCode = errorCodeFor(state);
  const { status, actual, usage } = priceCall(call, hold, state);
  // The ledger movement and the usage row commit together: one statement, one round trip.
  const event = usageEventJson(
    usageInput(
      session,
      call,
      operation,
      feature,
      startedAt,
      { ...state, usage },
      {
        status,
        creditsUsed: 0n,
        errorCode,
      },
    ),
  );
  const post = () =>
    statementAs(
      'service',
      (sql) => sql<{ posted: bigint; available: bigint }[]>`
      select posted, available from public.ai_settle(${hold.holdId.toString()}::bigint,
        ${actual === null ? null : actual.toString()}::bigint, ${sql.json(event)})`,
    ).catch(ledgerError);
  const told = (creditsUsed: bigint, available: bigint): CallOutcome => ({
    callId: call.callId,
    status,
    creditsUsed,
    usage,
    available,
    holdId: hold.holdId,
    errorCode,
  });
  const settled = withRetries(post).then(([row]) => told(row?.posted ?? 0n, row?.available ?? 0n));
  // Within the hold, the settlement posts exactly `actual` and gives back the rest of the hold.
  const charge = actual ?? 0n;
  const outcome =
    charge <= hold.amount
      ? Promise.resolve(told(charge, hold.available + hold.amount - charge))
      : settled;
  return { outcome, settled };
}

/**
 * The meter of one call: when the call ends, however it ends, it settles the call once. The
 * outcome is told first (what the call came to, before the settlement commits); `settled` follows
 * when the ledger movement and the usage row have committed.
 */
export function settlingMeter(
  session: DbSession,
  call: SettleTarget,
  operation: Operation,
  feature: string,
  startedAt: number,
): { meter: Meter; outcome: Promise<CallOutcome>; settled: Promise<CallOutcome> } {
  const outcome = deferred<CallOutcome>();
  const settled = deferred<CallOutcome>();
  const meter = new Meter((state) => {
    let settlement: Settlement;
    try {
      settlement = settle(session, call, operation, feature, startedAt, state);
    } catch (error) {
      settlement = { outcome: Promise.reject(error), settled: Promise.reject(error) };
    }
    settlement.outcome.then(outcome.resolve, outcome.reject);
    return timed('settle', () => settlement.settled).then(settled.resolve, (error: unknown) => {
      console.error(
        '[ai] settlement failed; ai_settle_overdue settles the hold',
        call.callId,
        error,
      );
      settled.reject(error);
    });
  });
  outcome.promise.catch(() => {});
  return { meter, outcome: outcome.promise, settled: settled.promise };
}

/** A promise with its resolve and reject at hand (Promise.withResolvers, before Node 22). */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/**
 * Runs a settlement again after a failure that is not the ledger's answer (a dropped connection,
 * a restarting database): it is idempotent by the hold, so a retry posts once. After the last
 * try the hold is left to ai_settle_overdue.
 */
async function withRetries<T>(post: () => Promise<T>): Promise<T> {
  for (const pause of SETTLE_RETRY_PAUSES_MS) {
    try {
      return await post();
    } catch (error) {
      if (error instanceof AppError) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
  return post();
}

const SETTLE_RETRY_PAUSES_MS = [50, 250, 1_000];

function errorCodeFor(state: MeterState): string | null {
  if (state.usage) return null;
  // A stop by the client is not the provider's failure: kept out of provider error rates.
  if (state.clientStopped) return 'client_aborted';
  return state.error === undefined ? 'missing_usage' : errorCodeOf(state.error);
}

/** A BYOK call moves no credits: the usage is recorded with source 'byok'. */
async function settleByok(
  session: DbSession,
  call: SettleTarget,
  operation: Operation,
  feature: string,
  startedAt: number,
  state: MeterState,
): Promise<CallOutcome> {
  const status = state.usage || state.sawOutput ? 'byok' : 'voided';
  const errorCode = errorCodeFor(state);
  await record(session, call, operation, feature, startedAt, state, {
    status,
    creditsUsed: 0n,
    errorCode,
  });
  const { available } = await getWalletSummary(session, call.walletId);
  return {
    callId: call.callId,
    status,
    creditsUsed: 0n,
    usage: state.usage,
    available,
    holdId: null,
    errorCode,
  };
}

/** The API key a call was made with: the server puts its id in the claims it builds for a key. */
function apiKeyIdOf(session: DbSession): string | undefined {
  const id = session.claims.api_key_id;
  return typeof id === 'string' ? id : undefined;
}

function usageInput(
  session: DbSession,
  call: SettleTarget,
  operation: Operation,
  feature: string,
  startedAt: number,
  state: MeterState,
  result: { status: CallOutcome['status']; creditsUsed: bigint; errorCode: string | null },
): UsageEventInput {
  const { context, hold } = call;
  const { usage } = state;
  const { status, creditsUsed, errorCode } = result;
  return {
    subject: call.subject,
    actorId: session.userId,
    provider: context.provider,
    model: context.modelId,
    operation,
    feature,
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    cachedTokens: usage?.cachedInputTokens ?? 0,
    images: usage?.images ?? 0,
    audioSeconds: (usage?.audioMilliseconds ?? 0) / 1000,
    latencyMs: Math.max(0, Math.round(performance.now() - startedAt)),
    providerCostMicroUsd: usage ? providerCostMicroUsd(context.price, usage) : 0n,
    creditsCharged: creditsUsed,
    errorCode: errorCode ?? undefined,
    requestId: `ai:${call.callId}`,
    apiKeyId: apiKeyIdOf(session),
    source: hold ? 'platform' : 'byok',
    // A client that stopped the stream is no failure of the provider's.
    success:
      status === 'charged' ||
      (status === 'byok' && usage !== null) ||
      errorCode === 'client_aborted',
    metadata: {
      ...state.notes,
      ...(status === 'counted' ? { usageCountedBy: 'gateway' } : {}),
      holdId: hold?.holdId.toString() ?? null,
      priceId: context.priceId.toString(),
      status,
    },
  };
}

/** A BYOK call's usage, recorded on its own (no ledger movement goes with it). */
async function record(
  session: DbSession,
  call: SettleTarget,
  operation: Operation,
  feature: string,
  startedAt: number,
  state: MeterState,
  result: { status: CallOutcome['status']; creditsUsed: bigint; errorCode: string | null },
): Promise<void> {
  const input = usageInput(session, call, operation, feature, startedAt, state, result);
  await recordUsage(input).catch((error: unknown) =>
    console.error('[ai] usage record failed', call.callId, error),
  );
}

/**
 * The maintenance tick's part: settles the holds of calls whose process died before settling
 * them (past their `settleBy`), by the accuracy rules, once (public.ai_settle_overdue).
 */
export async function settleOverdueCalls(limit = 100): Promise<number> {
  const [row] = await statementAs(
    'service',
    (sql) => sql<{ holds_settled: number }[]>`
      select holds_settled from public.ai_settle_overdue(${limit})`,
  );
  return row?.holds_settled ?? 0;
}

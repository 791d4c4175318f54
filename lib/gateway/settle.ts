import 'server-only';
import { getWalletSummary, settleHold, voidHold, type Hold } from '@/lib/credits';
import { asService, type DbSession, type Tx } from '@/lib/db';
import type { Subject } from '@/lib/core';
import { recordUsage, type Operation, type UsageEventInput } from '@/lib/usage';
import type { CallContext } from './catalog';
import type { MeterState } from './meter';
import { creditsFor, providerCostMicroUsd, type MeteredUsage } from './pricing';

/**
 * Settlement, run once when a provider call ends: error before any output voids the hold; known
 * usage is charged price × usage, rounded up to the micro-credit; unknown usage after output
 * charges the hold. Then the usage is recorded (idempotent by the call id).
 */

export interface CallOutcome {
  callId: string;
  /**
   * charged: by usage; voided: nothing was produced; held: usage unknown, the hold was charged;
   * cached: answered from the response cache (charged by the cache policy, free by default);
   * byok: made with the subject's own provider key (no credits).
   */
  status: 'charged' | 'voided' | 'held' | 'cached' | 'byok';
  creditsUsed: bigint;
  usage: MeteredUsage | null;
  /** The wallet's available micro-credits after settling. */
  available: bigint;
  holdId: bigint | null;
  errorCode: string | null;
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
}

export async function settle(
  session: DbSession,
  call: SettleTarget,
  operation: Operation,
  feature: string,
  startedAt: number,
  state: MeterState,
): Promise<CallOutcome> {
  const { hold, context } = call;
  if (!hold) return settleByok(session, call, operation, feature, startedAt, state);
  const errorCode = errorCodeFor(state);
  // The ledger movement and the usage row commit together, in one service transaction.
  return asService(async (tx) => {
    let status: CallOutcome['status'];
    let creditsUsed = 0n;
    let available: bigint;
    if (state.usage) {
      const settled = await settleHold(
        { holdId: hold.holdId, actual: creditsFor(context.price, state.usage) },
        tx,
      );
      [status, creditsUsed, available] = ['charged', settled.posted, settled.available];
    } else if (!state.sawOutput) {
      const voided = await voidHold({ holdId: hold.holdId }, tx);
      [status, available] = ['voided', voided.available];
    } else {
      const settled = await settleHold({ holdId: hold.holdId, actual: hold.amount }, tx);
      [status, creditsUsed, available] = ['held', settled.posted, settled.available];
    }
    await record(
      session,
      call,
      operation,
      feature,
      startedAt,
      state,
      { status, creditsUsed, errorCode },
      tx,
    );
    return {
      callId: call.callId,
      status,
      creditsUsed,
      usage: state.usage,
      available,
      holdId: hold.holdId,
      errorCode,
    };
  });
}

function errorCodeFor(state: MeterState): string | null {
  if (state.usage) return null;
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

async function record(
  session: DbSession,
  call: SettleTarget,
  operation: Operation,
  feature: string,
  startedAt: number,
  state: MeterState,
  result: { status: CallOutcome['status']; creditsUsed: bigint; errorCode: string | null },
  tx?: Tx,
): Promise<void> {
  const { context, hold } = call;
  const { usage } = state;
  const { status, creditsUsed, errorCode } = result;
  const input: UsageEventInput = {
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
    source: hold ? 'platform' : 'byok',
    success: status === 'charged' || (status === 'byok' && usage !== null),
    metadata: {
      ...state.notes,
      holdId: hold?.holdId.toString() ?? null,
      priceId: context.priceId.toString(),
      status,
    },
  };
  // A usage row that cannot be written never undoes the settlement (its own savepoint).
  await (tx ? tx.savepoint((sp) => recordUsage(input, sp)) : recordUsage(input)).catch(
    (error: unknown) => console.error('[ai] usage record failed', call.callId, error),
  );
}

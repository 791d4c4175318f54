import 'server-only';
import { one, parseInput } from '@/lib/core';
import { asService, type Tx } from '@/lib/db';
import { planError } from '@/lib/plans';
import { usageEvent, type UsageEventInput } from './schemas';

/**
 * Records one AI call (platform or BYOK) with its rollups, atomically, as the service: the
 * numbers come from the gateway after the provider answered, never from a client. Pass `tx` (a
 * service transaction) to record together with the call's settlement.
 */
export async function recordUsage(
  input: UsageEventInput,
  tx?: Tx,
): Promise<{ eventId: bigint; replayed: boolean }> {
  const e = parseInput(usageEvent, input);
  const run = (t: Tx) => t<{ event_id: bigint; replayed: boolean }[]>`
      select * from public.usage_record(
        ${e.subject.kind}, ${e.subject.id}, ${e.actorId ?? null}, ${e.source}, ${e.provider}, ${e.model},
        ${e.operation}, ${e.feature}, ${e.inputTokens}::bigint, ${e.outputTokens}::bigint,
        ${e.cachedTokens}::bigint, ${e.characters}::bigint, ${e.images}, ${e.audioSeconds.toFixed(3)}::numeric,
        ${e.videoSeconds.toFixed(3)}::numeric, ${e.latencyMs ?? null}::integer,
        ${e.providerCostMicroUsd.toString()}::bigint, ${e.creditsCharged.toString()}::bigint, ${e.cached},
        ${e.success}, ${e.errorCode ?? null}, ${e.requestId ?? null}, ${t.json(e.metadata)},
        ${e.occurredAt ?? null}::timestamptz, ${e.apiKeyId ?? null}::uuid)`;
  const row = one(await (tx ? run(tx) : asService(run)).catch(planError), 'result of usage_record');
  return { eventId: row.event_id, replayed: row.replayed };
}

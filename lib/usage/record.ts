import 'server-only';
import { asService } from '@/lib/db';
import { parseInput, planError } from '@/lib/plans';
import { usageEvent, type UsageEventInput } from './schemas';

/**
 * Records one AI call (platform or BYOK) with its rollups, atomically, as the service: the
 * numbers come from the gateway after the provider answered, never from a client.
 */
export async function recordUsage(
  input: UsageEventInput,
): Promise<{ eventId: bigint; replayed: boolean }> {
  const e = parseInput(usageEvent, input);
  const [row] = await asService(
    (tx) => tx<{ event_id: bigint; replayed: boolean }[]>`
      select * from public.usage_record(
        ${e.subject.kind}, ${e.subject.id}, ${e.actorId ?? null}, ${e.source}, ${e.provider}, ${e.model},
        ${e.operation}, ${e.feature}, ${e.inputTokens}::bigint, ${e.outputTokens}::bigint,
        ${e.cachedTokens}::bigint, ${e.characters}::bigint, ${e.images}, ${e.audioSeconds.toFixed(3)}::numeric,
        ${e.videoSeconds.toFixed(3)}::numeric, ${e.latencyMs ?? null}::integer,
        ${e.providerCostMicroUsd.toString()}::bigint, ${e.creditsCharged.toString()}::bigint, ${e.cached},
        ${e.success}, ${e.errorCode ?? null}, ${e.requestId ?? null}, ${tx.json(e.metadata)},
        ${e.occurredAt ?? null}::timestamptz)`,
  ).catch(planError);
  return { eventId: row!.event_id, replayed: row!.replayed };
}

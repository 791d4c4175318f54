import 'server-only';
import type { JSONValue } from 'postgres';
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

/**
 * A usage event as the JSON a settling statement records it from (public.ai_settle, which adds
 * the credits it really posted): validated like recordUsage's input, amounts as strings.
 */
export function usageEventJson(input: UsageEventInput): Record<string, JSONValue> {
  const e = parseInput(usageEvent, input);
  return {
    subject_kind: e.subject.kind,
    subject_id: e.subject.id,
    actor_id: e.actorId ?? null,
    source: e.source,
    provider: e.provider,
    model: e.model,
    operation: e.operation,
    feature: e.feature,
    input_tokens: e.inputTokens,
    output_tokens: e.outputTokens,
    cached_tokens: e.cachedTokens,
    images: e.images,
    audio_seconds: e.audioSeconds.toFixed(3),
    latency_ms: e.latencyMs ?? null,
    provider_cost_micro_usd: e.providerCostMicroUsd.toString(),
    success: e.success,
    error_code: e.errorCode ?? null,
    request_id: e.requestId ?? null,
    metadata: e.metadata as JSONValue,
    api_key_id: e.apiKeyId ?? null,
  };
}

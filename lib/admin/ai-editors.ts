import 'server-only';
import { z } from 'zod';
import type { DbSession } from '@/lib/db';
import { settingsInput } from '@/lib/gateway';
import { parseInput, runAs } from '@/lib/core';
import { planError } from '@/lib/plans';

/**
 * The catalog edits lib/ai/admin does not cover: a model on or off, deleting a kill switch, and
 * the global settings together with the cache hit charge. The SQL functions check the caller.
 */

export const modelActiveInput = z.object({
  modelId: z.string().min(1).max(64),
  active: z.boolean(),
});

export async function setModelActive(
  session: DbSession,
  input: z.input<typeof modelActiveInput>,
): Promise<void> {
  const m = parseInput(modelActiveInput, input);
  await runAs(
    session,
    (tx) => tx`select 1 from public.ai_model_set_active(${m.modelId}, ${m.active})`,
  ).catch(planError);
}

export const flagKeyInput = z.object({
  scope: z.enum(['feature', 'model', 'plan']),
  key: z.string().trim().min(1).max(100),
});

/** True when a flag was deleted (false when there was none). */
export async function deleteFeatureFlag(
  session: DbSession,
  input: z.input<typeof flagKeyInput>,
): Promise<boolean> {
  const f = parseInput(flagKeyInput, input);
  const [row] = await runAs(
    session,
    (tx) => tx<{ deleted: boolean }[]>`
      select public.ai_flag_delete(${f.scope}, ${f.key}) as deleted`,
  ).catch(planError);
  return row?.deleted === true;
}

export const aiSettingsForm = settingsInput.extend({
  cacheHitChargeBps: z.number().int().min(0).max(10_000),
});

/** Credits per USD, markup and the cache hit charge, saved together in one transaction. */
export async function saveAiSettings(
  session: DbSession,
  input: z.input<typeof aiSettingsForm>,
): Promise<void> {
  const s = parseInput(aiSettingsForm, input);
  await runAs(session, async (tx) => {
    await tx`select 1 from public.ai_settings_set(${s.creditsPerUsd.toString()}::bigint, ${s.markupBps})`;
    await tx`select 1 from public.ai_cache_policy_set(${s.cacheHitChargeBps})`;
  }).catch(planError);
}

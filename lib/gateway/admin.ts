import 'server-only';
import { one, parseInput, runAs, type Actor } from '@/lib/core';
import { z } from 'zod';
import type { DbSession } from '@/lib/db';
import { planError } from '@/lib/plans';

/** Platform-admin edits of the catalog; each is one SQL function that checks the caller. */

const microUsd = z.coerce.bigint().min(0n).max(1_000_000_000n);

const priceInput = z.object({
  modelId: z.string().min(1).max(64),
  inputPerMtok: microUsd,
  cachedInputPerMtok: microUsd,
  outputPerMtok: microUsd,
  perImage: microUsd.default(0n),
  perAudioSecond: microUsd.default(0n),
  effectiveFrom: z.coerce.date().optional(),
});

/** Adds a price version (never back-dated: past usage keeps its price). */
export async function setModelPrice(
  actor: Actor,
  input: z.input<typeof priceInput>,
): Promise<{ priceId: bigint; effectiveFrom: Date }> {
  const p = parseInput(priceInput, input);
  const row = one(
    await runAs(
      actor,
      (tx) => tx<{ id: bigint; effective_from: Date }[]>`
      select id, effective_from from public.ai_price_set(${p.modelId}, ${p.inputPerMtok.toString()}::bigint,
        ${p.cachedInputPerMtok.toString()}::bigint, ${p.outputPerMtok.toString()}::bigint,
        ${p.perImage.toString()}::bigint, ${p.perAudioSecond.toString()}::bigint, ${p.effectiveFrom ?? null}::timestamptz)`,
    ).catch(planError),
    'result of ai_price_set',
  );
  return { priceId: row.id, effectiveFrom: row.effective_from };
}

export const flagInput = z.object({
  scope: z.enum(['feature', 'model', 'plan']),
  key: z.string().trim().min(1).max(100),
  enabled: z.boolean(),
  reason: z.string().trim().max(200).optional(),
});

/** Turns AI calls for a feature, model or plan off (kill switch) or back on. */
export async function setFeatureFlag(
  actor: Actor,
  input: z.input<typeof flagInput>,
): Promise<void> {
  const f = parseInput(flagInput, input);
  await runAs(
    actor,
    (tx) =>
      tx`select 1 from public.ai_flag_set(${f.scope}, ${f.key}, ${f.enabled}, ${f.reason ?? null})`,
  ).catch(planError);
}

export const settingsInput = z.object({
  creditsPerUsd: z.coerce.bigint().min(1n).max(1_000_000n),
  markupBps: z.number().int().min(10_000).max(100_000),
});

export async function setAiSettings(
  actor: DbSession | 'service',
  input: z.input<typeof settingsInput>,
): Promise<void> {
  const s = parseInput(settingsInput, input);
  await runAs(
    actor,
    (tx) =>
      tx`select 1 from public.ai_settings_set(${s.creditsPerUsd.toString()}::bigint, ${s.markupBps})`,
  ).catch(planError);
}

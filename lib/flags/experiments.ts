import 'server-only';
import { z } from 'zod';
import { one, parseInput, runAs, type Actor } from '@/lib/core';
import { asService, withUser, type DbSession } from '@/lib/db';
import { requireAdmin } from './admin';
import { invalidateFlagConfig } from './config';

/**
 * Experiments between models: a platform admin splits one feature's calls between models by
 * weight (sticky per user, see assignArm), reads each arm's results from the usage rows the calls
 * wrote (their metadata names the experiment and arm) and the feedback on those calls, then
 * stops the experiment or promotes an arm.
 */

export const experimentInput = z.object({
  name: z.string().trim().min(1).max(80),
  feature: z.string().trim().min(1).max(100),
  arms: z
    .array(
      z.object({
        arm: z
          .string()
          .trim()
          .regex(/^[a-z0-9][a-z0-9_-]{0,29}$/, 'lowercase letters, digits, - and _'),
        model: z.string().trim().min(1).max(64),
        weight: z.coerce.number().int().min(1).max(10_000),
      }),
    )
    .min(2)
    .max(10)
    .refine((arms) => new Set(arms.map((a) => a.arm)).size === arms.length, 'arm names repeat'),
});

export async function startExperiment(
  actor: Actor,
  input: z.input<typeof experimentInput>,
): Promise<{ id: string }> {
  const e = parseInput(experimentInput, input);
  const row = one(
    await runAs(
      actor,
      (tx) => tx<{ id: string }[]>`
        select public.ai_experiment_start(${e.name}, ${e.feature}, ${tx.json(e.arms)}) as id`,
    ),
    'result of ai_experiment_start',
  );
  invalidateFlagConfig();
  return { id: row.id };
}

export const endExperimentInput = z.object({
  id: z.uuid(),
  promoteArm: z.string().trim().min(1).max(30).optional(),
});

export async function endExperiment(
  actor: Actor,
  input: z.input<typeof endExperimentInput>,
): Promise<void> {
  const e = parseInput(endExperimentInput, input);
  await runAs(actor, (tx) => tx`select public.ai_experiment_end(${e.id}, ${e.promoteArm ?? null})`);
  // From the next call on, this instance routes by the end (others hear the NOTIFY).
  invalidateFlagConfig();
}

export interface ArmMetrics {
  arm: string;
  modelId: string;
  weight: number;
  calls: number;
  errors: number;
  /** Share of calls that failed, in basis points. */
  errorRateBps: number;
  providerCostMicroUsd: bigint;
  creditsCharged: bigint;
  /** Credits charged in micro-USD (credits / credits per USD) minus provider cost. */
  marginMicroUsd: bigint;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  thumbsUp: number;
  thumbsDown: number;
}

export interface ExperimentView {
  id: string;
  name: string;
  feature: string;
  status: 'running' | 'stopped' | 'promoted';
  promotedArm: string | null;
  createdAt: Date;
  endedAt: Date | null;
  arms: ArmMetrics[];
}

/** Every experiment, newest first, with each arm's results from its usage rows. */
export async function listExperiments(session: DbSession): Promise<ExperimentView[]> {
  await requireAdmin(session);
  return asService(async (tx) => {
    const [experiments, arms, settings] = await Promise.all([
      tx<
        {
          id: string;
          name: string;
          feature: string;
          status: ExperimentView['status'];
          promoted_arm: string | null;
          created_at: Date;
          ended_at: Date | null;
        }[]
      >`
        select id, name, feature, status, promoted_arm, created_at, ended_at
        from public.ai_experiments order by created_at desc limit 50`,
      tx<
        {
          experiment_id: string;
          arm: string;
          model_id: string;
          weight: number;
          calls: bigint;
          errors: bigint;
          cost: bigint;
          credits: bigint;
          p50: number | null;
          p95: number | null;
          up: bigint;
          down: bigint;
        }[]
      >`
        select a.experiment_id, a.arm, a.model_id, a.weight,
               count(u.id) as calls,
               count(u.id) filter (where not u.success) as errors,
               coalesce(sum(u.provider_cost_micro_usd), 0)::bigint as cost,
               coalesce(sum(u.credits_charged), 0)::bigint as credits,
               percentile_cont(0.5) within group (order by u.latency_ms) as p50,
               percentile_cont(0.95) within group (order by u.latency_ms) as p95,
               count(f.rating) filter (where f.rating = 1) as up,
               count(f.rating) filter (where f.rating = -1) as down
        from public.ai_experiment_arms a
        left join public.usage_events u
          on u.metadata ->> 'experimentId' = a.experiment_id::text and u.metadata ->> 'arm' = a.arm
        left join public.ai_feedback f on f.request_id = u.request_id
        group by a.experiment_id, a.arm, a.model_id, a.weight
        order by a.experiment_id, a.arm`,
      tx<{ credits_per_usd: bigint }[]>`select credits_per_usd from public.ai_settings limit 1`,
    ]);
    const creditsPerUsd = settings[0]?.credits_per_usd ?? 1n;
    return experiments.map((experiment) => ({
      id: experiment.id,
      name: experiment.name,
      feature: experiment.feature,
      status: experiment.status,
      promotedArm: experiment.promoted_arm,
      createdAt: experiment.created_at,
      endedAt: experiment.ended_at,
      arms: arms
        .filter((arm) => arm.experiment_id === experiment.id)
        .map((arm) => {
          const calls = Number(arm.calls);
          const errors = Number(arm.errors);
          return {
            arm: arm.arm,
            modelId: arm.model_id,
            weight: arm.weight,
            calls,
            errors,
            errorRateBps: calls > 0 ? Math.round((errors * 10_000) / calls) : 0,
            providerCostMicroUsd: arm.cost,
            creditsCharged: arm.credits,
            marginMicroUsd: arm.credits / creditsPerUsd - arm.cost,
            latencyP50Ms: arm.p50 === null ? null : Math.round(arm.p50),
            latencyP95Ms: arm.p95 === null ? null : Math.round(arm.p95),
            thumbsUp: Number(arm.up),
            thumbsDown: Number(arm.down),
          };
        }),
    }));
  });
}

export const feedbackInput = z.object({
  callId: z.uuid(),
  rating: z.enum(['up', 'down']),
});

/** Thumbs up or down on one of the caller's own calls (404 for anyone else's). */
export async function rateCall(
  session: DbSession,
  input: z.input<typeof feedbackInput>,
): Promise<void> {
  const f = parseInput(feedbackInput, input);
  await withUser(
    session,
    (tx) => tx`select public.ai_feedback_set(${f.callId}, ${f.rating === 'up' ? 1 : -1}::smallint)`,
  );
}

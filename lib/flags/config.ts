import 'server-only';
import { asService, hotConfig } from '@/lib/db';
import {
  compileFlag,
  evaluateFlag,
  flagKey,
  type CompiledFlag,
  type FlagDecision,
  type FlagKind,
  type FlagRule,
  type FlagSubject,
  type LiveExperiment,
} from './evaluate';

/**
 * Everything access decisions read, held in memory: flags and their rules, the kill switches, the
 * models each plan includes and the live experiments. One load is four small reads; a NOTIFY on
 * `tollgate_config` (sent by triggers on those tables) drops it, so an edit reaches every app
 * instance at once, and a value older than 30 s is reloaded even if a notification was lost.
 */

export const CONFIG_CHANNEL = 'tollgate_config';

export interface FlagConfig {
  flags: Map<string, CompiledFlag>;
  /** `scope:key` of every kill switch that is off (scope feature, model or plan). */
  killSwitches: Set<string>;
  /** Plans that list their models; a plan missing here includes every model. */
  planModels: Map<string, Set<string>>;
  /** The running or promoted experiment of each feature. */
  experiments: Map<string, LiveExperiment>;
}

export async function loadFlagConfig(): Promise<FlagConfig> {
  return asService(async (tx) => {
    const [flags, rules, kills, planModels, experiments, arms] = await Promise.all([
      tx<
        {
          kind: FlagKind;
          target: string;
          description: string;
          default_enabled: boolean;
          rollout_percent: number;
        }[]
      >`select kind, target, description, default_enabled, rollout_percent from public.flags`,
      tx<(FlagRule & { kind: string; target: string })[]>`
        select kind, target, rule, value, enabled from public.flag_rules`,
      tx<{ scope: string; key: string }[]>`
        select scope, key from public.ai_feature_flags where not enabled`,
      tx<{ plan_id: string; model_id: string }[]>`select plan_id, model_id from public.plan_models`,
      tx<
        {
          id: string;
          name: string;
          feature: string;
          status: 'running' | 'promoted';
          promoted_arm: string | null;
        }[]
      >`
        select id, name, feature, status, promoted_arm from public.ai_experiments
        where status in ('running', 'promoted')`,
      tx<{ experiment_id: string; arm: string; model_id: string; weight: number }[]>`
        select a.experiment_id, a.arm, a.model_id, a.weight
        from public.ai_experiment_arms a
        join public.ai_experiments e on e.id = a.experiment_id
        where e.status in ('running', 'promoted')
        order by a.experiment_id, a.arm`,
    ]);
    const config: FlagConfig = {
      flags: new Map(),
      killSwitches: new Set(kills.map((kill) => `${kill.scope}:${kill.key}`)),
      planModels: new Map(),
      experiments: new Map(),
    };
    for (const flag of flags) {
      const own = rules.filter((rule) => rule.kind === flag.kind && rule.target === flag.target);
      const compiled = compileFlag({
        kind: flag.kind,
        target: flag.target,
        description: flag.description,
        defaultEnabled: flag.default_enabled,
        rolloutPercent: flag.rollout_percent,
        rules: own.map(({ rule, value, enabled }) => ({ rule, value, enabled })),
      });
      config.flags.set(compiled.key, compiled);
    }
    for (const row of planModels) {
      const set = config.planModels.get(row.plan_id) ?? new Set<string>();
      set.add(row.model_id);
      config.planModels.set(row.plan_id, set);
    }
    for (const experiment of experiments) {
      config.experiments.set(experiment.feature, {
        id: experiment.id,
        name: experiment.name,
        feature: experiment.feature,
        status: experiment.status,
        promotedArm: experiment.promoted_arm,
        arms: arms
          .filter((arm) => arm.experiment_id === experiment.id)
          .map((arm) => ({ arm: arm.arm, modelId: arm.model_id, weight: arm.weight })),
      });
    }
    return config;
  });
}

const cache = hotConfig({ channel: CONFIG_CHANNEL, load: loadFlagConfig, maxStaleMs: 30_000 });

/** The cached configuration (a memory read unless it changed or is older than 30 s). */
export function getFlagConfig(): Promise<FlagConfig> {
  return cache.get();
}

/** Drops this instance's copy at once (after its own edit; others hear the NOTIFY). */
export function invalidateFlagConfig(): void {
  cache.invalidate();
}

/** Resolves once this instance listens for changes (tests wait before editing). */
export function flagConfigReady(): Promise<void> {
  return cache.ready();
}

/** A flag's decision for a subject, kill switches included (feature and model scopes, plan). */
export function decide(
  config: FlagConfig,
  kind: FlagKind,
  target: string,
  subject: FlagSubject,
): FlagDecision {
  const killed =
    ((kind === 'feature' || kind === 'model') && config.killSwitches.has(`${kind}:${target}`)) ||
    (subject.planId !== null && config.killSwitches.has(`plan:${subject.planId}`));
  return evaluateFlag(config.flags.get(flagKey(kind, target)), subject, killed);
}

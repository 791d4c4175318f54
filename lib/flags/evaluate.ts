/**
 * Flag evaluation, pure and allocation-free on the hot path: it runs for every metered call
 * against the in-process cache (lib/flags/config), so it must cost microseconds.
 *
 * Precedence, first match wins:
 *   kill switch (off) > user rule > org rule > plan rule > role rule > percentage rollout > default.
 * The percentage is deterministic: the subject's bucket is a hash of the flag's key and the user
 * id, in 0..9999, and the user is in the rollout when bucket < percent × 100; so the same user
 * always gets the same answer, and raising the percentage only ever adds users.
 */

export const FLAG_KINDS = ['feature', 'model', 'provider', 'capability'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];
export const RULE_KINDS = ['user', 'org', 'plan', 'role'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export const ORG_ROLES = ['owner', 'admin', 'member'] as const;

export interface FlagRule {
  rule: RuleKind;
  value: string;
  enabled: boolean;
}

export interface Flag {
  kind: FlagKind;
  target: string;
  description: string;
  defaultEnabled: boolean;
  rolloutPercent: number;
  rules: FlagRule[];
}

/** Rules indexed for evaluation: one map lookup per rule kind. */
export interface CompiledFlag extends Flag {
  key: string;
  byRule: Record<RuleKind, Map<string, boolean>>;
}

/** Who a call is for: the user, the org whose wallet it uses (if any), their role in it, the plan. */
export interface FlagSubject {
  userId: string;
  orgId: string | null;
  role: string | null;
  planId: string | null;
}

export type FlagReason =
  'kill_switch' | 'user' | 'org' | 'plan' | 'role' | 'percentage' | 'default' | 'no_flag';

export interface FlagDecision {
  on: boolean;
  reason: FlagReason;
}

export function flagKey(kind: FlagKind, target: string): string {
  return `${kind}:${target}`;
}

export function compileFlag(flag: Flag): CompiledFlag {
  const byRule: CompiledFlag['byRule'] = {
    user: new Map(),
    org: new Map(),
    plan: new Map(),
    role: new Map(),
  };
  for (const rule of flag.rules) byRule[rule.rule].set(rule.value, rule.enabled);
  return { ...flag, key: flagKey(flag.kind, flag.target), byRule };
}

/** FNV-1a (32 bit) of the flag key and the subject id, in 0..9999. */
export function bucketOf(key: string, subjectId: string): number {
  let hash = 0x811c9dc5;
  const text = `${key}/${subjectId}`;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 10_000;
}

export function inRollout(key: string, subjectId: string, percent: number): boolean {
  return bucketOf(key, subjectId) < percent * 100;
}

export function evaluateFlag(
  flag: CompiledFlag | undefined,
  subject: FlagSubject,
  killed = false,
): FlagDecision {
  if (killed) return { on: false, reason: 'kill_switch' };
  if (!flag) return { on: true, reason: 'no_flag' };
  const { byRule } = flag;
  let hit = byRule.user.get(subject.userId);
  if (hit !== undefined) return { on: hit, reason: 'user' };
  if (subject.orgId !== null) {
    hit = byRule.org.get(subject.orgId);
    if (hit !== undefined) return { on: hit, reason: 'org' };
  }
  if (subject.planId !== null) {
    hit = byRule.plan.get(subject.planId);
    if (hit !== undefined) return { on: hit, reason: 'plan' };
  }
  if (subject.role !== null) {
    hit = byRule.role.get(subject.role);
    if (hit !== undefined) return { on: hit, reason: 'role' };
  }
  if (flag.rolloutPercent > 0 && inRollout(flag.key, subject.userId, flag.rolloutPercent)) {
    return { on: true, reason: 'percentage' };
  }
  return { on: flag.defaultEnabled, reason: 'default' };
}

export interface ExperimentArm {
  arm: string;
  modelId: string;
  weight: number;
}

export interface LiveExperiment {
  id: string;
  name: string;
  feature: string;
  status: 'running' | 'promoted';
  promotedArm: string | null;
  arms: ExperimentArm[];
}

/** The user's arm: sticky (a hash of experiment and user) and spread by the arms' weights. */
export function assignArm(experiment: LiveExperiment, userId: string): ExperimentArm {
  if (experiment.status === 'promoted') {
    const promoted = experiment.arms.find((arm) => arm.arm === experiment.promotedArm);
    if (promoted) return promoted;
  }
  const total = experiment.arms.reduce((sum, arm) => sum + arm.weight, 0);
  let point = (bucketOf(`experiment:${experiment.id}`, userId) * total) / 10_000;
  for (const arm of experiment.arms) {
    if (point < arm.weight) return arm;
    point -= arm.weight;
  }
  return experiment.arms[experiment.arms.length - 1]!;
}

/** What the rollouts page passes from the server to its client half (browser-safe types). */

export type FlagKind = 'feature' | 'model' | 'provider' | 'capability';
export type RuleKind = 'user' | 'org' | 'plan' | 'role';

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

export interface FlagTargets {
  feature: string[];
  model: string[];
  provider: string[];
  capability: string[];
  plans: { id: string; name: string }[];
  orgs: { id: string; name: string; slug: string }[];
  users: { id: string; email: string }[];
  roles: readonly string[];
}

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  assignArm,
  bucketOf,
  compileFlag,
  evaluateFlag,
  inRollout,
  type FlagRule,
  type FlagSubject,
  type LiveExperiment,
} from '../../lib/flags/evaluate';

/**
 * Flag evaluation: deterministic, monotone bucketing; the precedence kill switch > user > org >
 * plan > role > percentage > default, case by case; experiment assignment by weight.
 */

const users: string[] = Array.from({ length: 10_000 }, () => randomUUID());

function flag(rules: FlagRule[], rolloutPercent = 0, defaultEnabled = false) {
  return compileFlag({
    kind: 'feature',
    target: 'forecast',
    description: '',
    defaultEnabled,
    rolloutPercent,
    rules,
  });
}

const subject: FlagSubject = { userId: users[0]!, orgId: 'org-1', role: 'member', planId: 'pro' };

describe('bucketing', () => {
  it('puts the same user in the same bucket every time, and different flags apart', () => {
    for (const user of users.slice(0, 100)) {
      expect(bucketOf('feature:forecast', user)).toBe(bucketOf('feature:forecast', user));
    }
    const differ = users
      .slice(0, 200)
      .filter((user) => bucketOf('feature:forecast', user) !== bucketOf('model:gpt-4o', user));
    expect(differ.length).toBeGreaterThan(190);
  });

  it('is monotone: raising the percentage only adds users', () => {
    let previous = new Set<string>();
    for (const percent of [0, 1, 5, 10, 25, 50, 75, 99, 100]) {
      const inside = new Set(users.filter((user) => inRollout('feature:forecast', user, percent)));
      for (const user of previous) expect(inside.has(user)).toBe(true);
      // Spread evenly: each percentage holds about that share of 10,000 users (±1.5 points).
      expect(Math.abs(inside.size / 100 - percent)).toBeLessThanOrEqual(1.5);
      previous = inside;
    }
    expect(previous.size).toBe(users.length);
  });
});

describe('precedence: kill switch > user > org > plan > role > percentage > default', () => {
  const all = (enabled: boolean): FlagRule[] => [
    { rule: 'user', value: subject.userId, enabled },
    { rule: 'org', value: 'org-1', enabled: !enabled },
    { rule: 'plan', value: 'pro', enabled: !enabled },
    { rule: 'role', value: 'member', enabled: !enabled },
  ];

  it('no flag: on for everyone', () => {
    expect(evaluateFlag(undefined, subject)).toEqual({ on: true, reason: 'no_flag' });
  });

  it('the kill switch beats every rule', () => {
    expect(evaluateFlag(flag(all(true), 100, true), subject, true)).toEqual({
      on: false,
      reason: 'kill_switch',
    });
  });

  it('a user rule beats org, plan and role rules (both ways)', () => {
    expect(evaluateFlag(flag(all(true)), subject)).toEqual({ on: true, reason: 'user' });
    expect(evaluateFlag(flag(all(false), 100, true), subject)).toEqual({
      on: false,
      reason: 'user',
    });
  });

  it('an org rule beats plan and role rules', () => {
    const rules: FlagRule[] = [
      { rule: 'org', value: 'org-1', enabled: true },
      { rule: 'plan', value: 'pro', enabled: false },
      { rule: 'role', value: 'member', enabled: false },
    ];
    expect(evaluateFlag(flag(rules), subject)).toEqual({ on: true, reason: 'org' });
    // Outside the org the plan rule decides.
    expect(evaluateFlag(flag(rules), { ...subject, orgId: null })).toEqual({
      on: false,
      reason: 'plan',
    });
  });

  it('a plan rule beats role rules and the rollout', () => {
    const rules: FlagRule[] = [
      { rule: 'plan', value: 'pro', enabled: false },
      { rule: 'role', value: 'member', enabled: true },
    ];
    expect(evaluateFlag(flag(rules, 100, true), subject)).toEqual({ on: false, reason: 'plan' });
  });

  it('a role rule beats the rollout; no role (a personal call) skips it', () => {
    const rules: FlagRule[] = [{ rule: 'role', value: 'member', enabled: false }];
    expect(evaluateFlag(flag(rules, 100), subject)).toEqual({ on: false, reason: 'role' });
    expect(evaluateFlag(flag(rules, 100), { ...subject, role: null })).toEqual({
      on: true,
      reason: 'percentage',
    });
  });

  it('the rollout beats the default; outside it the default decides', () => {
    const inside = users.find((user) => inRollout('feature:forecast', user, 30))!;
    const outside = users.find((user) => !inRollout('feature:forecast', user, 30))!;
    const rollout = flag([], 30, false);
    expect(evaluateFlag(rollout, { ...subject, userId: inside })).toEqual({
      on: true,
      reason: 'percentage',
    });
    expect(evaluateFlag(rollout, { ...subject, userId: outside })).toEqual({
      on: false,
      reason: 'default',
    });
    expect(evaluateFlag(flag([], 0, true), subject)).toEqual({ on: true, reason: 'default' });
  });

  it('rules for other users, orgs, plans and roles do not apply', () => {
    const rules: FlagRule[] = [
      { rule: 'user', value: users[1]!, enabled: true },
      { rule: 'org', value: 'org-2', enabled: true },
      { rule: 'plan', value: 'enterprise', enabled: true },
      { rule: 'role', value: 'owner', enabled: true },
    ];
    expect(evaluateFlag(flag(rules), subject)).toEqual({ on: false, reason: 'default' });
  });
});

describe('experiment assignment', () => {
  const experiment: LiveExperiment = {
    id: randomUUID(),
    name: 'mini vs haiku',
    feature: 'assistant',
    status: 'running',
    promotedArm: null,
    arms: [
      { arm: 'a', modelId: 'gpt-4o-mini', weight: 70 },
      { arm: 'b', modelId: 'claude-haiku-4-5', weight: 20 },
      { arm: 'c', modelId: 'gemini-2.5-flash', weight: 10 },
    ],
  };

  it('splits 10,000 users within ±2 % of the weights, sticky per user', () => {
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (const user of users) counts[assignArm(experiment, user).arm]! += 1;
    expect(Math.abs(counts.a! / 10_000 - 0.7)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(counts.b! / 10_000 - 0.2)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(counts.c! / 10_000 - 0.1)).toBeLessThanOrEqual(0.02);
    for (const user of users.slice(0, 100)) {
      expect(assignArm(experiment, user)).toEqual(assignArm(experiment, user));
    }
  });

  it('a promoted arm serves everyone', () => {
    const promoted = { ...experiment, status: 'promoted' as const, promotedArm: 'c' };
    expect(new Set(users.slice(0, 500).map((user) => assignArm(promoted, user).arm))).toEqual(
      new Set(['c']),
    );
  });
});

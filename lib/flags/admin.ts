import 'server-only';
import { z } from 'zod';
import { AppError, parseInput, runAs, type Actor } from '@/lib/core';
import { asService, withUser, type DbSession } from '@/lib/db';
import { invalidateFlagConfig } from './config';
import { FLAG_KINDS, ORG_ROLES, RULE_KINDS, type Flag, type FlagKind } from './evaluate';

/**
 * Platform-admin edits of flags and plan model lists, and the reads behind the admin page. Every
 * edit is one SQL function that checks the caller, validates every target against what exists
 * (422 otherwise) and writes the audit row in the same transaction.
 */

async function requireAdmin(session: DbSession): Promise<void> {
  const [row] = await withUser(
    session,
    (tx) => tx<{ is_platform_admin: boolean }[]>`
      select is_platform_admin from public.profiles where id = ${session.userId}`,
  );
  if (row?.is_platform_admin !== true) throw new AppError('not_found', 'Not found.');
}

export const flagInput = z.object({
  kind: z.enum(FLAG_KINDS),
  target: z.string().trim().min(1).max(100),
  description: z.string().trim().max(300).default(''),
  defaultEnabled: z.boolean().default(false),
  rolloutPercent: z.coerce.number().int().min(0).max(100).default(0),
  rules: z
    .array(
      z.object({
        rule: z.enum(RULE_KINDS),
        value: z.string().trim().min(1).max(100),
        enabled: z.boolean(),
      }),
    )
    .max(500)
    .default([]),
});

export async function saveFlag(actor: Actor, input: z.input<typeof flagInput>): Promise<void> {
  const f = parseInput(flagInput, input);
  await runAs(
    actor,
    (tx) => tx`
      select public.flag_save(${f.kind}, ${f.target}, ${f.description}, ${f.defaultEnabled},
        ${f.rolloutPercent}::smallint, ${tx.json(f.rules)})`,
  );
  invalidateFlagConfig();
}

export const flagRefInput = z.object({
  kind: z.enum(FLAG_KINDS),
  target: z.string().trim().min(1).max(100),
});

export async function deleteFlag(
  actor: Actor,
  input: z.input<typeof flagRefInput>,
): Promise<boolean> {
  const f = parseInput(flagRefInput, input);
  const [row] = await runAs(
    actor,
    (tx) => tx<{ deleted: boolean }[]>`
      select public.flag_delete(${f.kind}, ${f.target}) as deleted`,
  );
  invalidateFlagConfig();
  return row?.deleted === true;
}

export const planModelsInput = z.object({
  planId: z.string().trim().min(1).max(32),
  models: z.array(z.string().trim().min(1).max(64)).max(200),
});

export async function setPlanModels(
  actor: Actor,
  input: z.input<typeof planModelsInput>,
): Promise<void> {
  const p = parseInput(planModelsInput, input);
  await runAs(actor, (tx) => tx`select public.plan_models_set(${p.planId}, ${p.models}::text[])`);
  invalidateFlagConfig();
}

export interface AdminFlag extends Flag {
  updatedAt: Date;
  updatedBy: string | null;
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

/** Everything a flag may target and its rules may name, fed to the admin page's selects. */
export async function listFlagTargets(session: DbSession): Promise<FlagTargets> {
  await requireAdmin(session);
  return asService(async (tx) => {
    const [features, models, plans, orgs, users] = await Promise.all([
      tx<{ name: string }[]>`select name from public.token_types order by sort_order, name`,
      tx<{ id: string; provider: string; capabilities: string[] }[]>`
        select id, provider, capabilities from public.ai_models order by sort_order, id`,
      tx<{ id: string; name: string }[]>`select id, name from public.plans order by tier`,
      tx<{ id: string; name: string; slug: string }[]>`
        select id, name, slug from public.organizations order by name limit 500`,
      tx<{ id: string; email: string }[]>`
        select id, email from public.profiles order by email limit 500`,
    ]);
    const unique = (values: string[]) => [...new Set(values)].sort();
    return {
      feature: unique([
        'assistant',
        'completions',
        'embeddings',
        'images',
        'transcription',
        ...features.map((f) => f.name),
      ]),
      model: models.map((m) => m.id),
      provider: unique(models.map((m) => m.provider)),
      capability: unique(models.flatMap((m) => m.capabilities)),
      plans,
      orgs,
      users,
      roles: ORG_ROLES,
    };
  });
}

export async function listFlags(session: DbSession): Promise<AdminFlag[]> {
  await requireAdmin(session);
  const rows = await asService(
    (tx) => tx<
      {
        kind: FlagKind;
        target: string;
        description: string;
        default_enabled: boolean;
        rollout_percent: number;
        rules: Flag['rules'];
        updated_at: Date;
        updated_by: string | null;
      }[]
    >`
      select f.kind, f.target, f.description, f.default_enabled, f.rollout_percent, f.updated_at,
             u.email as updated_by,
             coalesce((select jsonb_agg(jsonb_build_object('rule', r.rule, 'value', r.value,
                                                           'enabled', r.enabled) order by r.rule, r.value)
                       from public.flag_rules r where r.kind = f.kind and r.target = f.target),
                      '[]'::jsonb) as rules
      from public.flags f left join public.profiles u on u.id = f.updated_by
      order by f.kind, f.target`,
  );
  return rows.map((row) => ({
    kind: row.kind,
    target: row.target,
    description: row.description,
    defaultEnabled: row.default_enabled,
    rolloutPercent: row.rollout_percent,
    rules: row.rules,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  }));
}

export async function listPlanModels(session: DbSession): Promise<Record<string, string[]>> {
  await requireAdmin(session);
  const rows = await asService(
    (tx) => tx<{ plan_id: string; models: string[] }[]>`
      select plan_id, array_agg(model_id order by model_id) as models
      from public.plan_models group by plan_id`,
  );
  return Object.fromEntries(rows.map((row) => [row.plan_id, row.models]));
}

export interface AuditEntry {
  id: bigint;
  at: Date;
  actor: string | null;
  entity: string;
  entityKey: string;
  action: string;
  before: unknown;
  after: unknown;
}

export async function listConfigAudit(session: DbSession, limit = 20): Promise<AuditEntry[]> {
  await requireAdmin(session);
  const rows = await asService(
    (tx) => tx<
      {
        id: bigint;
        created_at: Date;
        actor: string | null;
        entity: string;
        entity_key: string;
        action: string;
        before: unknown;
        after: unknown;
      }[]
    >`
      select a.id, a.created_at, p.email as actor, a.entity, a.entity_key, a.action, a.before, a.after
      from public.config_audit a left join public.profiles p on p.id = a.actor_id
      order by a.created_at desc, a.id desc limit ${limit}`,
  );
  return rows.map((row) => ({
    id: row.id,
    at: row.created_at,
    actor: row.actor,
    entity: row.entity,
    entityKey: row.entity_key,
    action: row.action,
    before: row.before,
    after: row.after,
  }));
}

export { requireAdmin };

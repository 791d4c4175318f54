import 'server-only';
import { AppError, type Subject } from '@/lib/core';
import { statementAs, type DbSession } from '@/lib/db';
import { decide, getFlagConfig, type FlagConfig } from './config';
import type { FlagDecision, FlagSubject } from './evaluate';

/**
 * Who may call what: a feature or capability behind a flag, a model the subject's plan includes,
 * the subset an org allows its members, and the model and provider flags. Every check reads the
 * in-process config and the call's access profile (one SQL read per call).
 */

export interface AccessProfile {
  flagSubject: FlagSubject;
  /** The org's model subset when it binds the caller (members only); null = no restriction. */
  orgModels: Set<string> | null;
}

export interface ModelFacts {
  id: string;
  provider: string;
  capabilities: string[];
}

export interface Denial {
  code: 'flag_off' | 'model_not_in_plan' | 'model_restricted_by_org';
  detail: string;
}

export async function loadAccessProfile(
  session: DbSession,
  subject: Subject,
): Promise<AccessProfile> {
  // Read on every metered call: one round trip (see statementAs).
  const [row] = await statementAs(
    session,
    (sql) => sql<
      { plan_id: string | null; org_role: string | null; org_models: string[] | null }[]
    >`
      select plan_id, org_role, org_models from public.ai_access_profile(${subject.kind}, ${subject.id})`,
  );
  const role = row?.org_role ?? null;
  return {
    flagSubject: {
      userId: session.userId,
      orgId: subject.kind === 'org' ? subject.id : null,
      role,
      planId: row?.plan_id ?? null,
    },
    orgModels: role === 'member' && row?.org_models ? new Set(row.org_models) : null,
  };
}

/** Off by a flag's rules: kill switches are refused by the catalog read itself (their own 403). */
function offByRule(decision: FlagDecision): boolean {
  return !decision.on && decision.reason !== 'kill_switch';
}

/** Why the subject may not use the model, or null when it may. */
export function modelDenial(
  config: FlagConfig,
  profile: AccessProfile,
  model: ModelFacts,
): Denial | null {
  const { planId } = profile.flagSubject;
  const included = planId === null ? undefined : config.planModels.get(planId);
  if (included && !included.has(model.id)) {
    return { code: 'model_not_in_plan', detail: `${model.id} is not included in your plan.` };
  }
  if (profile.orgModels && !profile.orgModels.has(model.id)) {
    return {
      code: 'model_restricted_by_org',
      detail: `Your organization does not allow members to use ${model.id}.`,
    };
  }
  if (offByRule(decide(config, 'model', model.id, profile.flagSubject))) {
    return { code: 'flag_off', detail: `${model.id} is not available to you.` };
  }
  if (offByRule(decide(config, 'provider', model.provider, profile.flagSubject))) {
    return { code: 'flag_off', detail: `Models of ${model.provider} are not available to you.` };
  }
  return null;
}

export function assertModelAllowed(
  config: FlagConfig,
  profile: AccessProfile,
  model: ModelFacts,
): void {
  const denial = modelDenial(config, profile, model);
  if (denial) throw new AppError(denial.code, denial.detail, { model: model.id });
}

/** Refuses a call of a feature or capability whose flag is off for the subject. */
export function assertCallAllowed(
  config: FlagConfig,
  profile: AccessProfile,
  call: { feature: string; capability: string },
): void {
  const feature = decide(config, 'feature', call.feature, profile.flagSubject);
  if (offByRule(feature)) {
    throw new AppError('flag_off', `${call.feature} is not available to you yet.`, {
      feature: call.feature,
      reason: feature.reason,
    });
  }
  if (offByRule(decide(config, 'capability', call.capability, profile.flagSubject))) {
    throw new AppError('flag_off', `${call.capability} is not available to you yet.`, {
      capability: call.capability,
    });
  }
}

/**
 * The features the user may run in any of their contexts (personally or on one of their orgs'
 * wallets): what pages show. Each call is still checked for its own wallet.
 */
export async function featuresOn(
  session: DbSession,
  orgIds: string[],
  features: readonly string[],
): Promise<Set<string>> {
  const [config, ...profiles] = await Promise.all([
    getFlagConfig(),
    loadAccessProfile(session, { kind: 'user', id: session.userId }),
    ...orgIds.map((id) => loadAccessProfile(session, { kind: 'org', id })),
  ]);
  return new Set(
    features.filter((feature) =>
      profiles.some((profile) => decide(config, 'feature', feature, profile.flagSubject).on),
    ),
  );
}

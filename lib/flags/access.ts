import 'server-only';
import { AppError, type Subject } from '@/lib/core';
import { hotCache, statementAs, type DbSession } from '@/lib/db';
import { decide, getFlagConfig, type FlagConfig } from './config';
import type { FlagDecision, FlagSubject } from './evaluate';

/**
 * Who may call what: a feature or capability behind a flag, a model the subject's plan includes,
 * the subset an org allows its members, and the model and provider flags. Every check reads the
 * in-process config and the caller's access profile (cached per caller and subject, below).
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

interface ProfileRow {
  plan_id: string | null;
  org_role: string | null;
  org_models: string[] | null;
}

/**
 * Access profiles per caller and subject, kept a second at most and dropped on every instance
 * when a subscription, a membership or an org's model subset changes (NOTIFY tollgate_access).
 * The second bounds what no write announces: a plan change that comes due with time. Admission
 * checks the caller may spend from the wallet again, in SQL, on every call.
 */
const profiles = hotCache<ProfileRow | undefined>({
  channel: 'tollgate_access',
  maxStaleMs: 1_000,
});

export async function loadAccessProfile(
  session: DbSession,
  subject: Subject,
): Promise<AccessProfile> {
  const keyId = session.claims.api_key_id;
  const row = await profiles.get(
    `${session.userId}:${typeof keyId === 'string' ? keyId : ''}:${subject.kind}:${subject.id}`,
    async () => {
      const [read] = await statementAs(
        session,
        (sql) => sql<ProfileRow[]>`
          select plan_id, org_role, org_models
          from public.ai_access_profile(${subject.kind}, ${subject.id})`,
      );
      return read;
    },
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

/** Drops every cached access profile of this instance, after a change made here. */
export function forgetAccessProfiles(): void {
  profiles.invalidate();
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

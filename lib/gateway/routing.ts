import 'server-only';
import { z } from 'zod';
import { AppError, type Subject } from '@/lib/core';
import type { DbSession } from '@/lib/db';
import {
  assertCallAllowed,
  assertModelAllowed,
  assignArm,
  getFlagConfig,
  loadAccessProfile,
  modelDenial,
  type AccessProfile,
  type FlagConfig,
} from '@/lib/flags';
import { listModels, type CallContext, type CatalogModel } from './catalog';
import { chooseModel } from './choose-model';

/**
 * Which model a metered call runs on, decided where the model is resolved so every endpoint gets
 * the same answer: a running experiment on the call's feature assigns the user's arm (sticky),
 * a promoted one sends every call to the promoted model (untagged: the experiment's results are
 * final); else `model: "auto"` picks the model the caller may use, fit for the complexity hint,
 * that charges the caller least (a model on the caller's own provider key charges nothing);
 * else the model asked for. Then the caller's access is checked: the feature's and capability's
 * flags, the plan's models, the org's subset for members, the model's and provider's flags (403
 * with a code naming the reason).
 */

export const COMPLEXITIES = ['simple', 'standard', 'complex'] as const;
export type Complexity = (typeof COMPLEXITIES)[number];
export const complexityInput = z.enum(COMPLEXITIES).optional();

/** The least model quality (ai_models.quality) each hint needs. */
const MIN_QUALITY: Record<Complexity, number> = { simple: 1, standard: 2, complex: 3 };

export interface ModelChoice {
  /** What the caller asked for: a model id, or auto. */
  requested: string;
  model: string;
  reason: 'requested' | 'auto' | 'experiment' | 'promoted';
  /** One sentence for people: why this model. */
  detail: string;
  complexity?: Complexity;
  /** Auto chose a model the caller runs on its own provider key (BYOK: no credits). */
  ownKey?: boolean;
  /** A running experiment's arm (a promoted experiment's calls carry neither). */
  experimentId?: string;
  arm?: string;
}

/** The subject's own provider key, or null (what byok.subjectKeys resolves to). */
type OwnKeys = (provider: string) => string | null;

interface RouteSpec {
  model: string;
  complexity?: Complexity;
  feature: string;
  capability: string;
  /** Rough input tokens (bytes / 4) and the output bound, to price the candidates. */
  inputTokens: number;
  outputTokens: number;
  /** The subject's own provider keys, read once by the call: auto ranks by what it charges. */
  ownKeys?: Promise<OwnKeys>;
}

export interface Route {
  modelId: string;
  choice: ModelChoice;
  /** Checks the resolved model's access once its catalog row is read (throws a 403). */
  check: (context: CallContext) => Promise<void>;
}

/** "auto", "auto:simple" … (a hint in the model name serves clients that send only `model`). */
export function parseModelRequest(
  model: string,
  complexity?: Complexity,
): { auto: boolean; complexity: Complexity } {
  const [name, hint] = model.split(':', 2);
  if (name !== 'auto') return { auto: false, complexity: complexity ?? 'standard' };
  const parsed = complexityInput.safeParse(hint);
  if (hint !== undefined && !parsed.success) {
    throw new AppError(
      'validation_failed',
      'model: use auto, auto:simple, auto:standard or auto:complex.',
    );
  }
  return { auto: true, complexity: complexity ?? parsed.data ?? 'standard' };
}

type Candidate = CatalogModel & { ownKey: boolean };

/** What the caller may call for the capability, each marked when it runs on the caller's key. */
function usableModels(
  config: FlagConfig,
  profile: AccessProfile,
  catalog: CatalogModel[],
  capability: string,
  ownKeys: OwnKeys,
): Candidate[] {
  return catalog
    .map((model) => ({
      ...model,
      // The local model never takes a key (as in the metered call).
      ownKey: model.provider !== 'local' && ownKeys(model.provider) !== null,
    }))
    .filter(
      (model) =>
        (model.available || model.ownKey) &&
        model.capabilities.includes(capability) &&
        !config.killSwitches.has(`model:${model.id}`) &&
        modelDenial(config, profile, model) === null,
    );
}

/** The models a subject may call (the catalog filtered by plan, org subset, flags, switches). */
export async function modelsFor(session: DbSession, subject: Subject): Promise<CatalogModel[]> {
  const [config, profile, catalog] = await Promise.all([
    getFlagConfig(),
    loadAccessProfile(session, subject),
    listModels(session),
  ]);
  return catalog.filter(
    (model) =>
      !config.killSwitches.has(`model:${model.id}`) && modelDenial(config, profile, model) === null,
  );
}

export async function routeModel(
  session: DbSession,
  subject: Subject,
  spec: RouteSpec,
): Promise<Route> {
  const config = await getFlagConfig();
  const { auto, complexity } = parseModelRequest(spec.model, spec.complexity);
  const experiment = config.experiments.get(spec.feature);
  const profiled = loadAccessProfile(session, subject);
  // Awaited by check(); a refusal before then must not surface as an unhandled rejection.
  profiled.catch(() => {});
  const check = async (context: CallContext) => {
    const profile = await profiled;
    assertCallAllowed(config, profile, spec);
    assertModelAllowed(config, profile, {
      id: context.modelId,
      provider: context.provider,
      capabilities: context.capabilities,
    });
  };
  const requested = auto ? (spec.complexity ? `auto:${spec.complexity}` : spec.model) : spec.model;
  if (!auto && !experiment) {
    return {
      modelId: spec.model,
      choice: { requested, model: spec.model, reason: 'requested', detail: 'The model asked for.' },
      check,
    };
  }
  const [profile, catalog, ownKeys] = await Promise.all([
    profiled,
    listModels(session),
    spec.ownKeys ?? ((() => null) satisfies OwnKeys),
  ]);
  assertCallAllowed(config, profile, spec);
  const usable = usableModels(config, profile, catalog, spec.capability, ownKeys);
  if (experiment) {
    const arm = assignArm(experiment, session.userId);
    if (usable.some((model) => model.id === arm.modelId)) {
      // A promoted arm is no longer measured: its calls carry no experiment or arm.
      const promoted = experiment.status === 'promoted';
      return {
        modelId: arm.modelId,
        choice: {
          requested,
          model: arm.modelId,
          reason: promoted ? 'promoted' : 'experiment',
          detail: promoted
            ? `The model promoted by the experiment “${experiment.name}” on ${spec.feature}.`
            : `Arm “${arm.arm}” of the experiment “${experiment.name}” on ${spec.feature}.`,
          ...(promoted ? {} : { experimentId: experiment.id, arm: arm.arm }),
          ...(auto ? { complexity } : {}),
        },
        check,
      };
    }
  }
  if (!auto) {
    return {
      modelId: spec.model,
      choice: { requested, model: spec.model, reason: 'requested', detail: 'The model asked for.' },
      check,
    };
  }
  const picked = chooseModel(usable, {
    capability: spec.capability,
    inputTokens: spec.inputTokens,
    outputTokens: spec.outputTokens,
    minQuality: MIN_QUALITY[complexity],
  });
  if (!picked) {
    throw new AppError(
      'no_model_available',
      `No model you may use is fit for ${complexity} ${spec.capability} tasks.`,
      { complexity, capability: spec.capability },
    );
  }
  return {
    modelId: picked.id,
    choice: {
      requested,
      model: picked.id,
      reason: 'auto',
      complexity,
      ...(picked.ownKey
        ? {
            ownKey: true,
            detail: `The cheapest for you of the models fit for ${complexity} tasks: it runs on your own ${picked.provider} key, so it costs no credits.`,
          }
        : { detail: `The cheapest model you may use that is fit for ${complexity} tasks.` }),
    },
    check,
  };
}

/** The access checks alone, for an answer that needs no routing (a response cache hit). */
export async function assertAccess(
  session: DbSession,
  subject: Subject,
  context: CallContext,
  call: { feature: string; capability: string },
): Promise<ModelChoice> {
  const [config, profile] = await Promise.all([
    getFlagConfig(),
    loadAccessProfile(session, subject),
  ]);
  assertCallAllowed(config, profile, call);
  assertModelAllowed(config, profile, {
    id: context.modelId,
    provider: context.provider,
    capabilities: context.capabilities,
  });
  return {
    requested: context.modelId,
    model: context.modelId,
    reason: 'requested',
    detail: 'An earlier answer of this model, from the response cache.',
  };
}

/** What the usage row keeps about the choice (the experiment arm among it). */
export function choiceNotes(choice: ModelChoice): Record<string, string> {
  return {
    modelChoice: choice.reason,
    ...(choice.reason === 'requested' ? {} : { requestedModel: choice.requested }),
    ...(choice.complexity && choice.reason === 'auto' ? { complexity: choice.complexity } : {}),
    ...(choice.experimentId ? { experimentId: choice.experimentId } : {}),
    ...(choice.arm ? { arm: choice.arm } : {}),
  };
}

/** Response headers that say which model ran and why. */
export function choiceHeaders(choice: ModelChoice): Record<string, string> {
  return {
    'x-tollgate-model': choice.model,
    'x-tollgate-model-reason': choice.reason,
    ...(choice.arm ? { 'x-tollgate-experiment-arm': choice.arm } : {}),
  };
}

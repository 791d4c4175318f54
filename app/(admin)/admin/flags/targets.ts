import 'server-only';
import type { Session } from '@/lib/auth';
import { listModelCatalog } from '@/lib/admin';
import { AI_FEATURES } from '@/lib/ai';
import { AppError } from '@/lib/core';
import { listPlans } from '@/lib/plans';

/** Features the gateway names on its own calls, besides the product features. */
const GATEWAY_FEATURES = ['assistant', 'completions', 'embeddings'];

export type FlagScope = 'feature' | 'model' | 'plan';

/**
 * What a kill switch can target: the features calls name, the catalog's models and the plans.
 * The form offers exactly these, and saving refuses anything else (a typo would block nothing).
 */
export async function listFlagTargets(session: Session): Promise<Record<FlagScope, string[]>> {
  const [models, plans] = await Promise.all([listModelCatalog(session), listPlans(session)]);
  return {
    feature: [...new Set([...GATEWAY_FEATURES, ...Object.keys(AI_FEATURES)])].sort(),
    model: models.map((model) => model.id),
    plan: plans.map((plan) => plan.id),
  };
}

export async function assertFlagTarget(
  session: Session,
  scope: FlagScope,
  key: string,
): Promise<void> {
  const targets = await listFlagTargets(session);
  if (!targets[scope].includes(key)) {
    throw new AppError(
      'validation_failed',
      `key: “${key}” is not a ${scope} of this catalog. Choose one from the list.`,
      { errors: [{ path: 'key', message: `is not a known ${scope}` }] },
    );
  }
}

import 'server-only';

/**
 * Graduated access: feature flags with targeting (evaluated from an in-process cache that a
 * Postgres NOTIFY invalidates), the models a plan includes and an org allows its members,
 * experiments between models, feedback on calls, and the audit of every change.
 */

export {
  bucketOf,
  inRollout,
  evaluateFlag,
  compileFlag,
  assignArm,
  flagKey,
  FLAG_KINDS,
  RULE_KINDS,
  ORG_ROLES,
  type Flag,
  type FlagKind,
  type FlagRule,
  type FlagSubject,
  type FlagDecision,
  type LiveExperiment,
  type ExperimentArm,
} from './evaluate';
export {
  getFlagConfig,
  flagConfigReady,
  invalidateFlagConfig,
  loadFlagConfig,
  decide,
  CONFIG_CHANNEL,
  type FlagConfig,
} from './config';
export {
  loadAccessProfile,
  modelDenial,
  assertModelAllowed,
  assertCallAllowed,
  featuresOn,
  type AccessProfile,
  type ModelFacts,
} from './access';
export {
  saveFlag,
  deleteFlag,
  setPlanModels,
  listFlags,
  listFlagTargets,
  listPlanModels,
  listConfigAudit,
  flagInput,
  flagRefInput,
  planModelsInput,
  type AdminFlag,
  type FlagTargets,
  type AuditEntry,
} from './admin';
export {
  startExperiment,
  endExperiment,
  listExperiments,
  rateCall,
  experimentInput,
  endExperimentInput,
  feedbackInput,
  type ExperimentView,
  type ArmMetrics,
} from './experiments';
export { getOrgModels, setOrgModels, orgModelsInput } from './org-models';

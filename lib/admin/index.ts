export { isPlatformAdmin } from './guard';
export { getAdminOverview } from './overview';
export { grantAdminCredits, listAdminGrants } from './grants';
export { listTokenTypesForAdmin, type AdminTokenType } from './token-types';
export { getAdminModelStats, type MarginRow, type ProviderHealth } from './models';
export { runCreditBatch, runCreditBatchCsv, requireBatchAdmin } from './batch-grants';
export {
  listModelCatalog,
  listFeatureFlags,
  getAiSettingsForAdmin,
  type AdminCatalogModel,
} from './ai-settings';
export {
  setModelActive,
  deleteFeatureFlag,
  saveAiSettings,
  aiSettingsForm,
  modelActiveInput,
  flagKeyInput,
} from './ai-editors';
export { listStripeEvents, type StripeEventStatus, type StripeEventView } from './stripe-events';
export {
  setSubjectPlan,
  setCreditLimit,
  listAdminAudit,
  listPlanLines,
  type AdminAuditEntry,
  type PlanLine,
} from './plan-overrides';
export {
  getSubscriptionsOverview,
  type AdminSubscription,
  type PlanMrr,
  type SubscriptionsOverview,
} from './subscriptions';

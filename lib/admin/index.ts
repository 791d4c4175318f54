export { isPlatformAdmin, requirePlatformAdmin } from './guard';
export { getAdminOverview, type AdminOverview, type OrgSpend, type OrgAtRisk } from './overview';
export {
  grantAdminCredits,
  listAdminGrants,
  adminGrantInput,
  type AdminGrantInput,
  type AdminGrant,
  type AdminGrantResult,
} from './grants';
export { listTokenTypesForAdmin, type AdminTokenType } from './token-types';
export {
  getAdminModelStats,
  type AdminModelStats,
  type MarginRow,
  type ProviderHealth,
} from './models';
export {
  runCreditBatch,
  runCreditBatchCsv,
  requireBatchAdmin,
  batchReason,
  type BatchRequest,
  type BatchResult,
  type BatchRowResult,
} from './batch-grants';
export {
  listModelCatalog,
  listFeatureFlags,
  getAiSettingsForAdmin,
  type AdminCatalogModel,
  type AdminPriceVersion,
  type AdminFeatureFlag,
  type AdminAiSettings,
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

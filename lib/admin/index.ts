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

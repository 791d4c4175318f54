export {
  getQuota,
  getTokenUsage,
  getOrgTokenUsage,
  checkTokenLimit,
  getMonthlyTokens,
} from './limits';
export { getTokenBreakdown } from './breakdown';
export { takeRequest, enforceRateLimit } from './rate-limit';

export {
  getQuota,
  getTokenUsage,
  getOrgTokenUsage,
  checkTokenLimit,
  getMonthlyTokens,
  type TokenUsage,
  type TokenLimitCheck,
  type LimitReason,
  type PeriodTokens,
} from './limits';
export { getTokenBreakdown, type TokenBreakdown, type TokenCounts } from './breakdown';
export { takeRequest, enforceRateLimit, type RateLimitResult } from './rate-limit';

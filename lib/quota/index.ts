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
export { RateLimitedError } from '@/lib/plans';
// Token counts read the same everywhere; the formatter lives with the allowances.
export { formatTokens } from '@/lib/aiTokens/format';

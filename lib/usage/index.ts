export { recordUsage } from './record';
export { getUsageStats, type UsageStats, type UsageMetrics } from './stats';
export {
  usageEvent,
  usagePeriod,
  periodDays,
  OPERATIONS,
  USAGE_SOURCES,
  type UsageEventInput,
  type UsagePeriod,
  type Operation,
  type UsageSource,
} from './schemas';

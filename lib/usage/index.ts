export { recordUsage, usageEventJson } from './record';
export { getUsageStats, type UsageMetrics } from './stats';
export {
  usagePeriod,
  periodDays,
  OPERATIONS,
  type UsageEventInput,
  type UsagePeriod,
  type Operation,
} from './schemas';

export {
  listPlans,
  listTokenTypes,
  savePlan,
  setPlanAllowance,
  saveTokenType,
  type Plan,
  type OveragePolicy,
} from './plans';
export { getSubscription, changePlan, type PlanChange, type Subscription } from './subscriptions';
export { InsufficientAllowanceError, RateLimitedError, planError } from './errors';

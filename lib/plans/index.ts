export {
  listPlans,
  listTokenTypes,
  savePlan,
  setPlanAllowance,
  saveTokenType,
  planInput,
  OVERAGE_POLICIES,
  type Plan,
  type PlanInput,
  type TokenType,
  type OveragePolicy,
} from './plans';
export {
  getSubscription,
  changePlan,
  type Subscription,
  type PlanChange,
  type PlanChangeKind,
} from './subscriptions';
export {
  UpgradeRequiredError,
  InsufficientAllowanceError,
  RateLimitedError,
  planError,
} from './errors';

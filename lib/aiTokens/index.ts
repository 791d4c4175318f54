export {
  initializeTokens,
  getTokenBalance,
  getAllTokenBalances,
  checkTokens,
  hasEnoughTokens,
  type TokenBalance,
  type TokenCheck,
  type CheckReason,
} from './balances';
export {
  deductTokens,
  reserveTokens,
  commitReservation,
  releaseReservation,
  upgradeTokens,
  type Deduction,
  type Reservation,
  type ReserveInput,
  type TokenSource,
} from './deduct';
export { getTokenStats, type TokenStats, type UsageBucket } from './stats';
export {
  withFeature,
  type FeatureSubject,
  type FeatureOptions,
  type FeatureContext,
  type FeatureOutcome,
} from './feature';
export { formatTokens } from './format';
export { runAllowanceMaintenance } from './maintenance';
export {
  DEFAULT_TOKEN_TYPES,
  tokenUse,
  tokenTypeName,
  statsPeriod,
  periodRange,
  type TokenUse,
  type StatsPeriod,
} from './schemas';
export { UpgradeRequiredError, InsufficientAllowanceError } from '@/lib/plans';

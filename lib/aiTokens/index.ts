export { getTokenBalance, getAllTokenBalances, checkTokens, hasEnoughTokens } from './balances';
export {
  deductTokens,
  reserveTokens,
  commitReservation,
  releaseReservation,
  type ReserveInput,
} from './deduct';
export { getTokenStats } from './stats';
export { withFeature, type FeatureOutcome } from './feature';
export { formatTokens } from './format';
export { runAllowanceMaintenance } from './maintenance';
export { tokenUse, statsPeriod, periodRange } from './schemas';

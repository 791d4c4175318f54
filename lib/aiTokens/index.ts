// The allowance helpers feature code is written against (initializeTokens … getTokenStats) are
// the public API of this domain, kept and tested even where no route calls them yet.
export {
  initializeTokens,
  getTokenBalance,
  getAllTokenBalances,
  checkTokens,
  hasEnoughTokens,
} from './balances';
export {
  deductTokens,
  reserveTokens,
  commitReservation,
  releaseReservation,
  upgradeTokens,
  type ReserveInput,
} from './deduct';
export { getTokenStats } from './stats';
export { withFeature, type FeatureOutcome } from './feature';
export { formatTokens } from './format';
export { runAllowanceMaintenance } from './maintenance';
export { tokenUse, statsPeriod, periodRange, checkBalanceBody, tokenStatsQuery } from './schemas';

export {
  resolveWallet,
  walletOf,
  getWalletSummary,
  getCreditLine,
  getWalletVersions,
  type CreditLine,
  type WalletSummary,
  type WalletRef,
} from './wallets';
export {
  spendCredits,
  reserveCredits,
  settleHold,
  voidHold,
  grantCredits,
  transferCredits,
  runLedgerMaintenance,
  type ReserveInput,
  type Hold,
} from './movements';
export { ledgerError } from './errors';
export {
  listTransactions,
  getUsageByCategory,
  historyFilters,
  usagePeriod,
  type Transaction,
  type TransactionPage,
  type UsageReport,
  type UsagePeriod,
} from './history';
export { CATEGORIES, TRANSFER_KINDS, type Category, type TransferKind } from './schemas';
export { ACTIVITIES, featureLabel, type Activity } from './schemas';
export { formatCredits, parseCredits, toMicro, MICRO_PER_CREDIT } from './format';
export { getPeriodGrantProgress, type PeriodGrantProgress } from './period';
export { listLiveLots, type LiveLot } from './lots';
export {
  getUsageBreakdown,
  breakdownView,
  type BreakdownView,
  type UsageBreakdownReport,
} from './breakdown';
export {
  getHomeOverview,
  type HomeOverview,
  type HomeWallet,
  type HomeActivity,
  type HomeAlert,
} from './overview';

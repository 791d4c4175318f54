export {
  resolveWallet,
  walletOf,
  getWalletSummary,
  getBalance,
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
  refundTransaction,
  runLedgerMaintenance,
  checkLedger,
  type SpendInput,
  type SpendResult,
  type ReserveInput,
  type Hold,
  type Settlement,
  type GrantInput,
  type TransferInput,
} from './movements';
export {
  listTransactions,
  getUsageByCategory,
  getDailyTotals,
  historyFilters,
  usagePeriod,
  type Transaction,
  type TransactionPage,
  type UsageReport,
  type UsagePeriod,
} from './history';
export {
  InsufficientCreditsError,
  IdempotencyConflictError,
  NotFoundError,
  ForbiddenError,
} from './errors';
export { CATEGORIES, TRANSFER_KINDS, type Category, type TransferKind } from './schemas';
export { formatCredits, parseCredits, toMicro, MICRO_PER_CREDIT } from './format';
export { getPeriodGrantProgress, type PeriodGrantProgress, type AllowanceProgress } from './period';
export {
  getUsageBreakdown,
  breakdownView,
  BREAKDOWN_VIEWS,
  type BreakdownView,
  type BreakdownRow,
  type UsageBreakdownReport,
} from './breakdown';

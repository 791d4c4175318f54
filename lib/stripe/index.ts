export { billingMode } from './client';
export { listPackages, savePackage, type CreditPackage } from './packages';
export { startCheckout } from './checkout';
export { handleStripeWebhook } from './webhook';
export { getLocalCheckout, completeLocalCheckout, type LocalCheckout } from './local-checkout';
export { getAutoRecharge, configureAutoRecharge, dispatchAutoRecharges } from './auto-recharge';
export { listPayments, paymentsQuery, type Payment } from './payments';
export { purchaseBody, autoRechargeBody, packageInput, subscribeBody } from './schemas';
export { listPlanPrices, savePlanPrice, type PlanPrice } from './plan-prices';
export {
  startSubscription,
  readLocalOffer,
  describeLocalOffer,
  type BillingInterval,
  type LocalSubscriptionOffer,
} from './subscribe';
export { completeLocalSubscription } from './local-subscription';
export {
  getBillingSubscription,
  listBillingInvoices,
  type BillingSubscription,
  type BillingInvoice,
} from './billing-overview';
export { openBillingPortal, runLocalPortalAction, type LocalPortalAction } from './portal';
export {
  postpaidJobs,
  sendPostpaidMeterEvents,
  settlePostpaidInvoice,
  freezePostpaidForInvoice,
  meterIdentifier,
} from './postpaid';
export {
  changeSubscriptionPlan,
  setSubscriptionCancellation,
  type PlanChangeKind,
  type PlanChangeQuote,
} from './change-plan';
export { changePlanBody, walletBody } from './schemas';

export { billingMode, type BillingMode } from './client';
export { listPackages, savePackage, type CreditPackage } from './packages';
export { startCheckout, type CheckoutStart } from './checkout';
export { handleStripeWebhook, HANDLED_EVENTS, type WebhookResult } from './webhook';
export { getLocalCheckout, completeLocalCheckout, type LocalCheckout } from './local-checkout';
export {
  getAutoRecharge,
  configureAutoRecharge,
  dispatchAutoRecharges,
  startAutoRechargeListener,
  type AutoRechargeSettings,
} from './auto-recharge';
export { listPayments, paymentsQuery, type Payment } from './payments';
export {
  purchaseBody,
  autoRechargeBody,
  packageInput,
  type AutoRechargeInput,
  type PackageInput,
} from './schemas';

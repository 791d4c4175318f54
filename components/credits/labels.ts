import type { Activity, Category, TransferKind } from '@/lib/credits';
import { MICRO_PER_CREDIT } from '@/lib/credits/format';

/** How the credits UI names ledger values for people. The ledger's own codes stay in lib. */

export const KIND_LABELS: Record<TransferKind, string> = {
  grant: 'Credits added',
  spend: 'Spend',
  hold_post: 'Usage charge',
  transfer: 'Transfer',
  refund: 'Refund',
  expire: 'Expired',
  clawback: 'Clawback',
  adjustment: 'Adjustment',
};

/** A history row's type as people read it: where credits came from, what they went to. */
export const ACTIVITY_LABELS: Record<Activity, string> = {
  purchase: 'Purchase',
  plan_grant: 'Plan credits',
  bonus: 'Bonus',
  admin_grant: 'Granted',
  grant: 'Credits added',
  transfer_in: 'Transfer in',
  transfer_out: 'Transfer out',
  feature_run: 'Feature run',
  ai_usage: 'AI usage',
  spend: 'Spend',
  refund: 'Refund',
  payment_refund: 'Payment refunded',
  expired: 'Expired',
  adjustment: 'Adjustment',
};

export const CATEGORY_LABELS: Record<Category, string> = {
  ai_usage: 'AI usage',
  marketplace: 'Marketplace',
  premium_feature: 'Premium features',
  subscription: 'Subscription',
  transfer: 'Transfers',
  other: 'Other',
};

/** Chart colours, distinct for the common colour-vision deficiencies and 3:1 on white. */
export const CATEGORY_COLORS: Record<Category, string> = {
  ai_usage: '#4f46e5',
  premium_feature: '#0e7490',
  marketplace: '#c2410c',
  subscription: '#7e22ce',
  transfer: '#475569',
  other: '#be185d',
};

export type BalanceLevel = 'ok' | 'low' | 'critical';

// Below these a balance is flagged in the header and on the balance card.
const LOW_BALANCE = 10n * MICRO_PER_CREDIT;
const CRITICAL_BALANCE = MICRO_PER_CREDIT;

export function balanceLevel(available: bigint): BalanceLevel {
  if (available < CRITICAL_BALANCE) return 'critical';
  if (available < LOW_BALANCE) return 'low';
  return 'ok';
}

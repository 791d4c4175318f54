/**
 * The ledger's transfer categories and kinds. A module of its own, free of zod, so client
 * components can list them without shipping the server's validation schemas.
 */

export const CATEGORIES = [
  'ai_usage',
  'marketplace',
  'premium_feature',
  'subscription',
  'transfer',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const TRANSFER_KINDS = [
  'grant',
  'spend',
  'hold_post',
  'transfer',
  'refund',
  'expire',
  'clawback',
  'adjustment',
] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

/**
 * What a history row was, in the reader's words: the ledger's kind refined by where the credits
 * came from (a purchase, the plan, a promotion, an admin), which way a transfer went, and whether
 * a spend was a feature run or other AI usage.
 */
export const ACTIVITIES = [
  'purchase',
  'plan_grant',
  'bonus',
  'admin_grant',
  'grant',
  'transfer_in',
  'transfer_out',
  'feature_run',
  'ai_usage',
  'spend',
  'refund',
  'payment_refund',
  'expired',
  'adjustment',
] as const;
export type Activity = (typeof ACTIVITIES)[number];

const GRANT_SOURCES: Record<string, Activity> = {
  'issuance:purchase': 'purchase',
  'issuance:plan': 'plan_grant',
  'issuance:promo': 'bonus',
  'issuance:admin': 'admin_grant',
  // Rollover: unused plan credits that come back from `expired` at a renewal.
  expired: 'plan_grant',
};

// Metered calls that are no product feature: the assistant's chat and the completions API.
const GENERAL_AI = new Set(['assistant', 'completions']);

/** The activity of one transfer seen from a wallet (counterparty: a system account's code). */
export function activityOf(row: {
  kind: TransferKind;
  category: Category;
  direction: 'credit' | 'debit';
  counterpartyCode: string | null;
  feature: string | null;
}): Activity {
  switch (row.kind) {
    case 'grant':
      return GRANT_SOURCES[row.counterpartyCode ?? ''] ?? 'grant';
    case 'transfer':
      return row.direction === 'credit' ? 'transfer_in' : 'transfer_out';
    case 'spend':
    case 'hold_post':
      if (row.feature && !GENERAL_AI.has(row.feature)) return 'feature_run';
      return row.category === 'ai_usage' ? 'ai_usage' : 'spend';
    case 'refund':
      return 'refund';
    case 'clawback':
      return 'payment_refund';
    case 'expire':
      return 'expired';
    case 'adjustment':
      return 'adjustment';
  }
}

/** A feature's code as people read it ("lead_generation" → "Lead generation"). */
export function featureLabel(feature: string): string {
  if (feature === 'assistant') return 'AI assistant';
  const words = feature.replaceAll('_', ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

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

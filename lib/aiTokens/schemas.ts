import type { JSONValue } from 'postgres';
import { z } from 'zod';

/** Input schemas for feature token allowances, shared by lib/aiTokens and the API. */

export const tokenTypeName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,47}$/, 'must be a token type such as lead_generation');

export const actions = z.number().int().min(1).max(10_000).default(1);

const featureName = z.string().trim().min(1).max(100).optional();

/** 200, not 255: a credit overage reuses the key, with a prefix, in the ledger. */
const tokenIdempotencyKey = z
  .string()
  .min(1, 'is required')
  .max(200, 'must be at most 200 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

const tokenMetadata = z
  .record(z.string(), z.unknown())
  .default({})
  .refine((value) => JSON.stringify(value).length <= 8192, 'must be at most 8 KB of JSON')
  .transform((value) => JSON.parse(JSON.stringify(value)) as { [key: string]: JSONValue });

export const tokenUse = z.object({
  tokenType: tokenTypeName,
  actions,
  feature: featureName,
  idempotencyKey: tokenIdempotencyKey.optional(),
  metadata: tokenMetadata,
});
export type TokenUse = z.input<typeof tokenUse>;

export const statsPeriod = z.enum(['7d', '30d', '90d']).default('30d');
export type StatsPeriod = z.output<typeof statsPeriod>;

/** POST /api/v1/tokens/check-balance: check or deduct actions of a feature's allowance. */
export const checkBalanceBody = tokenUse.extend({
  action: z.enum(['check', 'deduct']),
  /** Use the org's allowance (members only); without it, the caller's own. */
  orgId: z.uuid().optional(),
});

/** GET /api/v1/tokens/stats: ?period=7d|30d|90d, ?orgId= for an org's (members only). */
export const tokenStatsQuery = z.object({ period: statsPeriod, orgId: z.uuid().optional() });

/** Whole UTC days ending today: [from, to) as instants, for periods like "30d". */
export function periodRange(period: StatsPeriod, now = new Date()): { from: Date; to: Date } {
  const days = Number.parseInt(period, 10);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { from: new Date(today - (days - 1) * 86_400_000), to: new Date(today + 86_400_000) };
}

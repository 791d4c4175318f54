import * as z from 'zod/mini';

/**
 * Token stats as the API's JSON carries them: dates as ISO text, credit amounts as decimal
 * strings. The server pages parse their first data with it, so that data and every refetch share
 * one shape; the client's refetches (./queries) trust the API's own answer without it.
 */

const instant = z.iso.datetime({ offset: true });

const balanceSchema = z.object({
  tokenType: z.string(),
  label: z.string(),
  costPerAction: z.number(),
  planId: z.string(),
  allowance: z.number(),
  balance: z.number(),
  reserved: z.number(),
  periodUsed: z.number(),
  periodStart: instant,
  refreshAt: instant,
  lastUsedAt: z.nullable(instant),
  actionsLeft: z.number(),
});

const bucketSchema = z.object({
  key: z.string(),
  events: z.number(),
  tokens: z.number(),
  credits: z.string(),
});

export const tokenStatsSchema = z.object({
  period: z.string(),
  from: instant,
  to: instant,
  balances: z.array(balanceSchema),
  usage: z.object({ total: bucketSchema, byTokenType: z.array(bucketSchema) }),
});
export type TokenStatsView = z.infer<typeof tokenStatsSchema>;
export type TokenBalanceView = z.infer<typeof balanceSchema>;

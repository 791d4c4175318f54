import { z } from 'zod';

/** Input of the alerts API. Safe in client components (zod only). */

export type AlertKind =
  | 'balance.threshold'
  | 'balance.low'
  | 'allowance.threshold'
  | 'usage.limit_reached'
  | 'spend.refused'
  | 'usage.spike'
  | 'balance.runout'
  | 'key.expiring'
  | 'auto_recharge.failed';

export const MAX_THRESHOLDS = 10;

export const alertsScopeQuery = z
  .object({ orgId: z.uuid('must be an organization id').optional() })
  .strict();

export const alertsListQuery = z
  .object({
    orgId: z.uuid('must be an organization id').optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    before: z
      .string()
      .regex(/^[1-9]\d{0,17}$/, 'must be an alert id')
      .optional(),
  })
  .strict();
export type AlertsListQuery = z.output<typeof alertsListQuery>;

const thresholdsSchema = z
  .array(
    z
      .number()
      .int('must be a whole percentage')
      .min(1, 'must be at least 1 %')
      .max(100, 'must be at most 100 %'),
  )
  .max(MAX_THRESHOLDS, `at most ${MAX_THRESHOLDS} thresholds`)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a percentage')
  .transform((list) => [...list].sort((a, b) => a - b));

/** Micro-credits, 0 (off) to 10^15, as a decimal string or safe integer. */
const lowBalanceSchema = z
  .union([
    z.string().regex(/^\d{1,16}$/, 'must be a whole number of micro-credits'),
    z.number().int('must be a whole number of micro-credits').nonnegative().safe(),
  ])
  .transform((value) => BigInt(value))
  .refine((value) => value <= 10n ** 15n, 'must be at most 10^15 micro-credits');

export const alertSettingsBody = z
  .object({
    enabled: z.boolean(),
    thresholds: thresholdsSchema,
    lowBalance: lowBalanceSchema,
  })
  .strict();
export type AlertSettingsValue = z.output<typeof alertSettingsBody>;

/** Settings as the API sends them (amounts as decimal strings). */
export const alertSettingsView = z.object({
  walletId: z.string(),
  enabled: z.boolean(),
  thresholds: z.array(z.number()),
  lowBalance: z.string(),
  updatedAt: z.string().nullable(),
  periodStart: z.string().nullable(),
  periodGrant: z.string().nullable(),
  available: z.string(),
});
export type AlertSettingsView = z.infer<typeof alertSettingsView>;

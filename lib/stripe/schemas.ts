import { z } from 'zod';

/**
 * The parts of Stripe objects the webhook acts on, parsed with zod after the signature check, so
 * a surprising payload is refused instead of half-processed. Unknown fields pass through.
 */

const id = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_]+$`));
/** An expandable field: the id, or the expanded object with that id. */
const ref = (prefix: string) =>
  z
    .union([id(prefix), z.object({ id: id(prefix) })])
    .transform((value) => (typeof value === 'string' ? value : value.id));
const metadata = z
  .record(z.string(), z.string())
  .nullish()
  .transform((value) => value ?? {});

export const stripeEventEnvelope = z.object({
  id: id('evt'),
  type: z.string().min(1).max(100),
  created: z.number().int().nonnegative().optional(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

export const checkoutSessionObject = z.object({
  id: id('cs'),
  payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
  amount_total: z.number().int().nonnegative().nullish(),
  currency: z
    .string()
    .regex(/^[a-zA-Z]{3}$/)
    .nullish(),
  customer: ref('cus').nullish(),
  payment_intent: ref('pi').nullish(),
  client_reference_id: z.string().nullish(),
  metadata,
});
export type CheckoutSessionObject = z.infer<typeof checkoutSessionObject>;

export const paymentIntentObject = z.object({
  id: id('pi'),
  amount: z.number().int().positive(),
  currency: z.string().regex(/^[a-zA-Z]{3}$/),
  customer: ref('cus').nullish(),
  metadata,
  last_payment_error: z.object({ message: z.string().nullish() }).nullish(),
});

export const chargeObject = z.object({
  id: id('ch'),
  payment_intent: ref('pi').nullish(),
  amount_refunded: z.number().int().nonnegative(),
});

export const disputeObject = z.object({
  id: id('dp'),
  payment_intent: ref('pi').nullish(),
  amount: z.number().int().nonnegative(),
  reason: z.string().nullish(),
  status: z.string(),
});

/** What pay-as-you-go reads of an invoice: whose it is and the end of the usage it billed. */
export const postpaidInvoiceObject = z.object({
  id: id('in'),
  customer: ref('cus').nullish(),
  period_end: z.number().int().nonnegative().nullish(),
});
export type PostpaidInvoiceObject = z.infer<typeof postpaidInvoiceObject>;

const seconds = z.number().int().nonnegative();

/**
 * A subscription schedule: its phases in order, each with its items' prices (ids, or expanded
 * prices) and start; the subscription it drives (`released_subscription` once released).
 */
export const scheduleObject = z.object({
  id: id('sub_sched'),
  status: z.enum(['not_started', 'active', 'completed', 'released', 'canceled']),
  subscription: ref('sub').nullish(),
  released_subscription: id('sub').nullish(),
  current_phase: z.object({ start_date: seconds, end_date: seconds }).nullish(),
  phases: z.array(
    z.object({
      start_date: seconds,
      end_date: seconds.nullish(),
      items: z.array(
        z.object({
          price: z
            .union([z.string().min(1).max(255), z.object({ id: z.string().min(1).max(255) })])
            .transform((value) => (typeof value === 'string' ? value : value.id)),
        }),
      ),
    }),
  ),
});
export type ScheduleObject = z.infer<typeof scheduleObject>;

/** What checkout puts in Stripe metadata, so every event names wallet, package, buyer, payment. */
export interface PurchaseMetadata {
  [key: string]: string;
  payment_id: string;
  wallet_id: string;
  package_id: string;
  buyer_id: string;
  kind: 'checkout' | 'auto_recharge';
}

export const purchaseBody = z.object({ packageId: z.uuid('must be a credit package id') });

export const autoRechargeBody = z
  .object({
    enabled: z.boolean(),
    /** Micro-credits, as a decimal string or safe integer. */
    threshold: z
      .union([z.string().regex(/^\d{1,16}$/), z.number().int().positive().safe()])
      .transform((value) => BigInt(value))
      .refine((value) => value >= 1n && value <= 10n ** 15n, 'must be 1 to 10^15 micro-credits'),
    packageId: z.uuid('must be a credit package id'),
  })
  .strict();
export type AutoRechargeInput = z.input<typeof autoRechargeBody>;

const micro = z
  .union([z.string().regex(/^\d{1,16}$/), z.number().int().nonnegative().safe()])
  .transform((value) => BigInt(value));

export const packageInput = z
  .object({
    slug: z
      .string()
      .trim()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'lower-case letters, digits and dashes'),
    name: z.string().trim().min(1).max(60),
    description: z.string().trim().max(300).default(''),
    credits: micro.refine((value) => value >= 1n && value <= 10n ** 15n, 'must be 1 to 10^15'),
    bonusCredits: micro.default(0n),
    bonusExpiresDays: z.number().int().min(1).max(3650).nullable().default(null),
    priceAmount: z.number().int().min(50).max(100_000_000),
    currency: z
      .string()
      .regex(/^[a-zA-Z]{3}$/)
      .transform((value) => value.toLowerCase())
      .default('usd'),
    active: z.boolean().default(true),
    sortOrder: z.number().int().min(-32768).max(32767).default(0),
  })
  .strict()
  .refine((value) => value.bonusCredits === 0n || value.bonusExpiresDays !== null, {
    message: 'bonus credits need an expiry in days',
    path: ['bonusExpiresDays'],
  });
export type PackageInput = z.input<typeof packageInput>;

export const subscribeBody = z.object({
  planId: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'must be a plan id'),
  interval: z.enum(['month', 'year']).default('month'),
  orgId: z.uuid('must be an organization id').optional(),
});

export const changePlanBody = z
  .object({
    planId: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'must be a plan id'),
    interval: z.enum(['month', 'year']),
    orgId: z.uuid('must be an organization id').optional(),
    /** True: answer what the change would cost and when, without making it. */
    preview: z.boolean().default(false),
    /** The proration date a preview answered (seconds), so the upgrade charges what it showed. */
    prorationDate: z.number().int().positive().safe().optional(),
  })
  .strict();

export const walletBody = z
  .object({ orgId: z.uuid('must be an organization id').optional() })
  .strict();

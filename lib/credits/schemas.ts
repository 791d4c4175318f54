import { z } from 'zod';

/** Input schemas shared by lib/credits and the API (amounts are bigint micro-credits). */

const MAX_AMOUNT = 10n ** 15n;

export { CATEGORIES, TRANSFER_KINDS, type Category, type TransferKind } from './kinds';
export { ACTIVITIES, activityOf, featureLabel, type Activity } from './kinds';

export const LOT_SOURCES = ['purchase', 'plan', 'promo', 'admin', 'refund'] as const;

/**
 * Micro-credits: a safe integer or a decimal string, 1 to 10^15. Fractions, floats beyond
 * 2^53, negatives and zero are refused before anything reaches the database.
 */
export const microAmount = z
  .union([
    z.bigint(),
    z
      .number()
      .int('must be a whole number of micro-credits')
      .refine(Number.isSafeInteger, 'is too large'),
    z.string().regex(/^\d{1,16}$/, 'must be a whole number of micro-credits'),
  ])
  .transform((value) => BigInt(value))
  .refine((value) => value >= 1n, 'must be at least 1 micro-credit')
  .refine((value) => value <= MAX_AMOUNT, 'must be at most 10^15 micro-credits');

/** Like microAmount but 0 is allowed (a settle of a call that used nothing). */
export const microAmountOrZero = z
  .union([
    z.bigint(),
    z
      .number()
      .int('must be a whole number of micro-credits')
      .refine(Number.isSafeInteger, 'is too large'),
    z.string().regex(/^\d{1,16}$/, 'must be a whole number of micro-credits'),
  ])
  .transform((value) => BigInt(value))
  .refine(
    (value) => value >= 0n && value <= MAX_AMOUNT,
    'must be between 0 and 10^15 micro-credits',
  );

export const idempotencyKey = z
  .string()
  .min(1, 'is required')
  .max(255, 'must be at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object of at most 8 KB, normalised to plain JSON (what Postgres will store). */
export const metadata = z
  .record(z.string(), z.unknown())
  .default({})
  .refine((value) => JSON.stringify(value).length <= 8192, 'must be at most 8 KB of JSON')
  .transform((value) => JSON.parse(JSON.stringify(value)) as { [key: string]: JsonValue });

export const description = z.string().trim().max(500).optional();

export const walletId = z.uuid('must be a wallet id');
export const holdId = z
  .union([z.bigint(), z.number().int().positive().safe(), z.string().regex(/^\d{1,18}$/)])
  .transform((value) => BigInt(value));

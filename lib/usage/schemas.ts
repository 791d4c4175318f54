import type { JSONValue } from 'postgres';
import { z } from 'zod';
import { subjectSchema } from '@/lib/core/subject';

/** What a usage event may hold; amounts of money are bigint micro-units, never floats. */

export const OPERATIONS = [
  'chat',
  'completion',
  'embedding',
  'image',
  'speech',
  'transcription',
] as const;
export type Operation = (typeof OPERATIONS)[number];

const USAGE_SOURCES = ['platform', 'byok'] as const;

const count = z.number().int().min(0).max(1_000_000_000_000).default(0);
const seconds = z.number().min(0).max(1_000_000).default(0);
const micro = z
  .union([
    z.bigint(),
    z.number().int().nonnegative().safe(),
    z.string().regex(/^\d{1,16}$/, 'must be a whole number'),
  ])
  .transform((value) => BigInt(value))
  .refine((value) => value >= 0n && value <= 10n ** 15n, 'must be between 0 and 10^15')
  .default(0n);

export const usageEvent = z.object({
  subject: subjectSchema,
  /** Who made the call (per-member stats for orgs). */
  actorId: z.uuid().nullable().optional(),
  source: z.enum(USAGE_SOURCES).default('platform'),
  provider: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a provider id like openai'),
  model: z.string().min(1).max(128),
  operation: z.enum(OPERATIONS),
  feature: z.string().trim().min(1).max(100).default('general'),
  inputTokens: count,
  outputTokens: count,
  cachedTokens: count,
  characters: count,
  images: z.number().int().min(0).max(100_000).default(0),
  audioSeconds: seconds,
  videoSeconds: seconds,
  latencyMs: z.number().int().min(0).max(86_400_000).optional(),
  /** What the provider charged, in micro-USD. */
  providerCostMicroUsd: micro,
  /** What the caller charged through the ledger, in micro-credits. */
  creditsCharged: micro,
  cached: z.boolean().default(false),
  success: z.boolean().default(true),
  errorCode: z.string().min(1).max(100).optional(),
  /** Makes recording idempotent: a retry with the same request id counts nothing twice. */
  requestId: z.string().min(1).max(255).optional(),
  metadata: z
    .record(z.string(), z.unknown())
    .default({})
    .refine((value) => JSON.stringify(value).length <= 8192, 'must be at most 8 KB of JSON')
    .transform((value) => JSON.parse(JSON.stringify(value)) as { [key: string]: JSONValue }),
  occurredAt: z.date().optional(),
  /** The API key the call was made with (never the secret). */
  apiKeyId: z.uuid().optional(),
});
export type UsageEventInput = z.input<typeof usageEvent>;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-01-31');

/** A named period ending today (UTC), or explicit UTC days (inclusive). */
export const usagePeriod = z.union([
  z.enum(['7d', '30d', '90d']),
  z.object({ from: day, to: day }),
]);
export type UsagePeriod = z.input<typeof usagePeriod>;

/** The inclusive UTC days [from, to] of a period. */
export function periodDays(period: UsagePeriod, now = new Date()): { from: string; to: string } {
  const parsed = usagePeriod.parse(period);
  if (typeof parsed !== 'string') return parsed;
  const days = Number.parseInt(parsed, 10);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(today - (days - 1) * 86_400_000), to: iso(today) };
}

import { z } from 'zod';
import { parseCredits } from '@/lib/credits/format';
import type { OveragePolicy } from '@/lib/plans';

// lib/plans is server-only; the type keeps this list in step with OVERAGE_POLICIES there.
export const POLICIES = ['block', 'credits'] as const satisfies readonly OveragePolicy[];

/**
 * The plan form as people fill it (credits, blank = unlimited), turned into lib/plans' input
 * (micro-credits as decimal strings). Shared by the form (readable errors) and the action.
 */

export interface PlanFormValues {
  id: string;
  name: string;
  description: string;
  tier: string;
  monthlyCredits: string;
  monthlyLlmTokenLimit: string;
  requestsPerHour: string;
  byokCountsTowardLimits: boolean;
  overagePolicy: OveragePolicy;
  overageCreditsPerToken: string;
  isActive: boolean;
}

const credits = (label: string) =>
  z.string().transform((text, ctx) => {
    try {
      return parseCredits(text.trim() === '' ? '0' : text).toString();
    } catch {
      ctx.addIssue({ code: 'custom', message: `${label}: enter an amount like 100 or 0.02.` });
      return z.NEVER;
    }
  });

const whole = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,13}$/, `${label}: a whole number.`)
    .transform(Number)
    .refine(
      (n) => n >= min && n <= max,
      `${label}: between ${min} and ${max.toLocaleString('en-US')}.`,
    );

export const planForm = z.object({
  id: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{1,31}$/, 'Plan id: 2–32 lowercase letters, digits or _.'),
  name: z.string().trim().min(1, 'Name is required.').max(60, 'Name: up to 60 characters.'),
  description: z.string().trim().max(500, 'Description: up to 500 characters.'),
  tier: whole('Tier', 0, 1000),
  monthlyCredits: credits('Monthly credits'),
  monthlyLlmTokenLimit: z
    .string()
    .trim()
    .regex(/^\d{0,13}$/, 'LLM token limit: a whole number, or blank for unlimited.')
    .transform((text) => (text === '' ? null : Number(text))),
  requestsPerHour: whole('Requests per hour', 1, 100_000_000),
  byokCountsTowardLimits: z.boolean(),
  overagePolicy: z.enum(POLICIES),
  overageCreditsPerToken: credits('Overage credits per token'),
  isActive: z.boolean(),
});

export const allowancesForm = z.object({
  planId: z.string().min(1).max(32),
  allowances: z
    .array(
      z.object({
        tokenType: z.string().min(1).max(48),
        monthlyAllowance: z.number().int('Allowances are whole tokens.').min(0).max(1e12),
      }),
    )
    .max(50),
});

export const tokenTypeForm = z.object({
  name: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{1,47}$/, 'Name: lowercase letters, digits or _.'),
  label: z.string().trim().min(1, 'Label is required.').max(60, 'Label: up to 60 characters.'),
  costPerAction: z
    .number('Cost per action: a whole number.')
    .int('Cost per action: a whole number.')
    .min(1, 'Cost per action: at least 1.')
    .max(1_000_000, 'Cost per action: at most 1,000,000.'),
  description: z.string().trim().max(500),
  sortOrder: z.number().int().min(-1000).max(1000),
});

import { z } from 'zod';
import { parseCredits } from '@/lib/credits/format';

/**
 * A plan's prices as people type them ("29", "290.00"; blank = not sold at that interval),
 * turned into minor units for lib/stripe. Shared by the form (readable errors) and the action.
 */

export interface PriceFormValues {
  currency: string;
  monthly: string;
  yearly: string;
  trialDays: string;
  graceDays: string;
  rolloverCredits: string;
}

/** "29.5" → 2950n for a two-decimal currency; null for blank. Never a float. */
export function toMinorUnits(text: string, currency: string): bigint | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const digits =
    new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: currency.toUpperCase(),
    }).resolvedOptions().maximumFractionDigits ?? 2;
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(trimmed);
  if (!match || (match[2]?.length ?? 0) > digits) throw new RangeError('not an amount');
  return BigInt(match[1]! + (match[2] ?? '').padEnd(digits, '0'));
}

/** 2950n → "29.50" for a two-decimal currency (the inverse of toMinorUnits). */
export function fromMinorUnits(amount: bigint | null, currency: string): string {
  if (amount === null) return '';
  const digits =
    new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: currency.toUpperCase(),
    }).resolvedOptions().maximumFractionDigits ?? 2;
  if (digits === 0) return amount.toString();
  const scale = 10n ** BigInt(digits);
  return `${amount / scale}.${(amount % scale).toString().padStart(digits, '0')}`;
}

const days = (label: string, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,3}$/, `${label}: a whole number of days.`)
    .transform(Number)
    .refine((n) => n <= max, `${label}: at most ${max} days.`);

export const priceForm = z
  .object({
    planId: z.string().min(1).max(32),
    currency: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z]{3}$/, 'Currency: a three-letter code like usd.'),
    monthly: z.string(),
    yearly: z.string(),
    trialDays: days('Trial', 365),
    graceDays: days('Grace', 60),
    rolloverCredits: z.string(),
  })
  .transform((form, ctx) => {
    const amount = (text: string, label: string) => {
      try {
        return toMinorUnits(text, form.currency);
      } catch {
        ctx.addIssue({ code: 'custom', message: `${label}: enter an amount like 29 or 29.00.` });
        return z.NEVER;
      }
    };
    let rolloverCap = 0n;
    try {
      rolloverCap = parseCredits(form.rolloverCredits.trim() === '' ? '0' : form.rolloverCredits);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Rollover cap: enter credits like 100.' });
      return z.NEVER;
    }
    const monthlyAmount = amount(form.monthly, 'Monthly price');
    const yearlyAmount = amount(form.yearly, 'Yearly price');
    if (yearlyAmount !== null && monthlyAmount === null) {
      ctx.addIssue({ code: 'custom', message: 'A yearly price needs a monthly price too.' });
      return z.NEVER;
    }
    return {
      planId: form.planId,
      currency: form.currency,
      monthlyAmount,
      yearlyAmount,
      trialDays: form.trialDays,
      graceDays: form.graceDays,
      rolloverCap,
    };
  });

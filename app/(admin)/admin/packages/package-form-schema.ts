import { z } from 'zod';
import { parseCredits } from '@/lib/credits/format';

/**
 * The package form as people fill it (credits and a price in dollars), turned into the admin
 * API's body (micro-credits and cents). The API validates again; this gives readable messages.
 */

export interface PackageFormValues {
  slug: string;
  name: string;
  description: string;
  credits: string;
  bonusCredits: string;
  bonusExpiresDays: string;
  price: string;
  currency: string;
  active: boolean;
  sortOrder: string;
}

const credits = (label: string, allowZero: boolean) =>
  z.string().transform((text, ctx) => {
    try {
      const micro = parseCredits(text === '' && allowZero ? '0' : text);
      if (micro > 0n || allowZero) return micro.toString();
      ctx.addIssue({ code: 'custom', message: `${label} must be above zero.` });
    } catch {
      ctx.addIssue({ code: 'custom', message: `${label}: enter an amount like 100 or 12.5.` });
    }
    return z.NEVER;
  });

export const packageForm = z
  .object({
    slug: z
      .string()
      .trim()
      .regex(
        /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/,
        'Slug: lower-case letters, digits and dashes (up to 40).',
      ),
    name: z.string().trim().min(1, 'Name is required.').max(60, 'Name: up to 60 characters.'),
    description: z.string().trim().max(300, 'Description: up to 300 characters.'),
    credits: credits('Credits', false),
    bonusCredits: credits('Bonus credits', true),
    bonusExpiresDays: z
      .string()
      .trim()
      .regex(/^\d{0,4}$/, 'Bonus expiry: whole days.')
      .transform((text) => (text === '' ? null : Number(text))),
    price: z
      .string()
      .trim()
      .regex(/^\d{1,7}(\.\d{1,2})?$/, 'Price: enter an amount like 19 or 19.99.')
      .transform((text) => {
        const [whole, cents = ''] = text.split('.');
        return Number(whole) * 100 + Number(cents.padEnd(2, '0'));
      })
      .refine((cents) => cents >= 50, 'Price: at least 0.50.'),
    currency: z
      .string()
      .trim()
      .regex(/^[a-zA-Z]{3}$/, 'Currency: a three-letter code like usd.')
      .transform((text) => text.toLowerCase()),
    active: z.boolean(),
    sortOrder: z
      .string()
      .trim()
      .regex(/^-?\d{1,4}$/, 'Sort order: a whole number.')
      .transform(Number),
  })
  .refine((value) => value.bonusCredits === '0' || value.bonusExpiresDays !== null, {
    message: 'Bonus credits need an expiry in days.',
    path: ['bonusExpiresDays'],
  });

export const emptyPackage: PackageFormValues = {
  slug: '',
  name: '',
  description: '',
  credits: '',
  bonusCredits: '0',
  bonusExpiresDays: '',
  price: '',
  currency: 'usd',
  active: true,
  sortOrder: '0',
};

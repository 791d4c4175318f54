import { z } from 'zod';

/** Email preferences: safe in client components (zod only). */

/** Optional mail a person can turn off; transactional mail (invitations, receipts) always goes. */
export const EMAIL_CATEGORIES = ['alerts', 'credits', 'team'] as const;
export type EmailCategory = (typeof EMAIL_CATEGORIES)[number];

export const EMAIL_CATEGORY_LABELS: Record<EmailCategory, { title: string; detail: string }> = {
  alerts: {
    title: 'Usage alerts',
    detail: 'Thresholds, low balance, refused spends, monthly limits, webhook trouble.',
  },
  credits: { title: 'Credits received', detail: 'Credits granted to you or your organizations.' },
  team: { title: 'Team news', detail: 'Someone accepted your invitation.' },
};

export const emailPreferencesInput = z
  .object({ alerts: z.boolean(), credits: z.boolean(), team: z.boolean() })
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'Change at least one preference.');
export type EmailPreferencesInput = z.input<typeof emailPreferencesInput>;

export type EmailPreferences = Record<EmailCategory, boolean>;

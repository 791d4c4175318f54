import { z } from 'zod';

/** Inputs of organization management, shared by server actions and route handlers. */

const RESERVED_SLUGS = ['new'];

export const ORG_ROLES = ['owner', 'admin', 'member'] as const;
export const INVITE_ROLES = ['admin', 'member'] as const;

export const orgSlug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/,
    'use 1–48 lower-case letters, digits and dashes (not at the ends)',
  )
  // /organizations/new is the create page.
  .refine((slug) => !RESERVED_SLUGS.includes(slug), 'is reserved; choose another');

export const createOrgInput = z.object({
  name: z.string().trim().min(1, 'is required').max(80, 'must be at most 80 characters'),
  slug: orgSlug.optional(),
});

export const renameOrgInput = z.object({ name: createOrgInput.shape.name });

export const transferOwnershipInput = z.object({ userId: z.uuid('choose a member') });

export const inviteInput = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email('must be an email address')),
  role: z.enum(INVITE_ROLES).default('member'),
});

export const roleInput = z.object({ role: z.enum(ORG_ROLES) });

/** A limit in credits as people type it ("250" or "12.5"); empty means no limit. */
export const limitInput = z.object({
  monthlyLimit: z
    .union([z.string().regex(/^\d{1,16}$/), z.number().int().nonnegative().safe(), z.null()])
    .transform((value) => (value === null ? null : BigInt(value)))
    .refine((value) => value === null || value <= 10n ** 15n, 'must be at most 10^15'),
});

/** The invitation token in a link: 32 random bytes, base64url. */
export const invitationToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not an invitation link');

/** "Acme AI, Inc." → "acme-ai-inc" (a starting point; the database checks uniqueness). */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  return slug && !RESERVED_SLUGS.includes(slug) ? slug : `${slug || 'org'}-team`;
}

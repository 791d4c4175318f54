import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/core';
import { grantCredits, parseCredits } from '@/lib/credits';
import { asService, type DbSession } from '@/lib/db';
import { requirePlatformAdmin } from './guard';

/**
 * Platform admins grant credits to a wallet, named by a user's email or an org's slug. The grant
 * transfer is the audit record: its description is the reason and its metadata names the admin.
 */

const MAX_GRANT = 1_000_000n * 1_000_000n; // one million credits at once

const adminGrantInput = z.object({
  target: z
    .string()
    .trim()
    .toLowerCase()
    .min(2, 'Enter a user email or an org slug.')
    .max(254, 'That is too long for an email or slug.'),
  amount: z
    .string()
    .trim()
    .min(1, 'Enter an amount of credits.')
    .transform((text, ctx) => {
      try {
        const micro = parseCredits(text);
        if (micro > 0n && micro <= MAX_GRANT) return micro;
        ctx.addIssue({
          code: 'custom',
          message: 'Enter an amount between 0 and 1,000,000 credits.',
        });
      } catch {
        ctx.addIssue({ code: 'custom', message: 'Enter an amount like 25 or 12.5.' });
      }
      return z.NEVER;
    }),
  reason: z
    .string()
    .trim()
    .min(3, 'Give a reason (at least 3 characters).')
    .max(500, 'Keep the reason under 500 characters.'),
  idempotencyKey: z.string().trim().min(8).max(100),
});
type AdminGrantInput = z.input<typeof adminGrantInput>;

interface AdminGrantResult {
  transferId: bigint;
  walletLabel: string;
  amount: bigint;
  replayed: boolean;
}

async function resolveTarget(target: string): Promise<{ walletId: string; label: string }> {
  return asService(async (tx) => {
    const rows = target.includes('@')
      ? await tx<{ id: string; label: string }[]>`
          select a.id, p.email as label from public.profiles p
          join public.accounts a on a.user_id = p.id
          where lower(p.email) = ${target}`
      : await tx<{ id: string; label: string }[]>`
          select a.id, o.slug as label from public.organizations o
          join public.accounts a on a.org_id = o.id
          where o.slug = ${target}`;
    const row = rows[0];
    if (!row) throw new AppError('not_found', `No user or organization matches “${target}”.`);
    return { walletId: row.id, label: row.label };
  });
}

export async function grantAdminCredits(
  session: DbSession,
  input: AdminGrantInput,
): Promise<AdminGrantResult> {
  await requirePlatformAdmin(session);
  const parsed = adminGrantInput.safeParse(input);
  if (!parsed.success) {
    throw new AppError('validation_failed', parsed.error.issues[0]?.message ?? 'Invalid grant.');
  }
  const { target, amount, reason, idempotencyKey } = parsed.data;
  const wallet = await resolveTarget(target);
  const result = await grantCredits({
    walletId: wallet.walletId,
    amount,
    source: 'admin',
    idempotencyKey: `admin-grant:${idempotencyKey}`,
    description: reason,
    metadata: { reason, grantedBy: session.userId, target },
  });
  return {
    transferId: result.transferId,
    walletLabel: wallet.label,
    amount,
    replayed: result.replayed,
  };
}

interface AdminGrant {
  transferId: bigint;
  createdAt: Date;
  amount: bigint;
  reason: string;
  recipient: string;
  grantedBy: string;
}

/** The latest admin grants, newest first, with who received and who granted them. */
export async function listAdminGrants(session: DbSession, limit = 20): Promise<AdminGrant[]> {
  await requirePlatformAdmin(session);
  const rows = await asService(
    (tx) => tx<
      {
        id: bigint;
        created_at: Date;
        amount: bigint;
        description: string | null;
        recipient: string | null;
        granted_by: string | null;
      }[]
    >`
      select t.id, t.created_at, t.amount, t.description,
             coalesce(p.email, o.slug) as recipient, g.email as granted_by
      from public.transfers t
      join public.accounts src on src.id = t.debit_account_id and src.system_code = 'issuance:admin'
      join public.accounts dst on dst.id = t.credit_account_id
      left join public.profiles p on p.id = dst.user_id
      left join public.organizations o on o.id = dst.org_id
      left join public.profiles g on g.id::text = t.metadata ->> 'grantedBy'
      where t.kind = 'grant' and t.metadata ? 'grantedBy'
      order by t.id desc
      limit ${Math.min(Math.max(limit, 1), 100)}`,
  );
  return rows.map((row) => ({
    transferId: row.id,
    createdAt: row.created_at,
    amount: row.amount,
    reason: row.description ?? '',
    recipient: row.recipient ?? 'unknown wallet',
    grantedBy: row.granted_by ?? 'unknown admin',
  }));
}

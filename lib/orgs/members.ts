import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/core';
import { withUser, type DbSession } from '@/lib/db';
import type { OrgRole } from './profile';

/** Reading an org's people: who is in it, their limits and usage, and spending by member. */

interface OrgContext {
  id: string;
  slug: string;
  name: string;
  role: OrgRole;
  walletId: string;
}

/** The org behind a slug or id, with the caller's role; null when they are not a member. */
async function getOrg(
  session: DbSession,
  key: { slug: string } | { id: string },
): Promise<OrgContext | null> {
  if ('id' in key && !z.uuid().safeParse(key.id).success) return null;
  const [row] = await withUser(
    session,
    (tx) => tx<{ id: string; slug: string; name: string; role: OrgRole; wallet_id: string }[]>`
      select o.id, o.slug, o.name, m.role, a.id as wallet_id
      from public.organizations o
      join public.organization_members m on m.org_id = o.id and m.user_id = ${session.userId}
      join public.accounts a on a.org_id = o.id
      where ${'id' in key ? tx`o.id = ${key.id}` : tx`o.slug = ${key.slug.toLowerCase()}`}`,
  );
  return row
    ? { id: row.id, slug: row.slug, name: row.name, role: row.role, walletId: row.wallet_id }
    : null;
}

export function getOrgBySlug(session: DbSession, slug: string): Promise<OrgContext | null> {
  return getOrg(session, { slug });
}

/** The org the caller manages (owner or admin): 404 for strangers, 403 for plain members. */
export async function requireOrgManager(session: DbSession, orgId: string): Promise<OrgContext> {
  const org = await getOrg(session, { id: orgId });
  if (!org) throw new AppError('not_found', 'Organization not found.');
  if (org.role === 'member') {
    throw new AppError('forbidden', 'Only owners and admins can do this for the organization.');
  }
  return org;
}

interface OrgMember {
  userId: string;
  email: string;
  fullName: string;
  role: OrgRole;
  joinedAt: Date;
  /** Null for no limit, or when the caller may not see it (another member's row). */
  monthlyLimit: bigint | null;
  usedThisMonth: bigint | null;
  spentThisMonth: bigint | null;
}

export async function listMembers(session: DbSession, orgId: string): Promise<OrgMember[]> {
  const rows = await withUser(
    session,
    (tx) =>
      tx<
        {
          user_id: string;
          email: string;
          full_name: string;
          role: OrgRole;
          joined_at: Date;
          monthly_limit: bigint | null;
          used_this_month: bigint | null;
          spent_this_month: bigint | null;
        }[]
      >`select * from public.org_members_overview(${z.uuid().parse(orgId)})`,
  );
  return rows.map((row) => ({
    userId: row.user_id,
    email: row.email,
    fullName: row.full_name,
    role: row.role,
    joinedAt: row.joined_at,
    monthlyLimit: row.monthly_limit,
    usedThisMonth: row.used_this_month,
    spentThisMonth: row.spent_this_month,
  }));
}

export const memberUsageQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .transform(({ from, to }) => {
    const end = to ? new Date(to) : new Date();
    const start = from ? new Date(from) : new Date(end.getTime() - 30 * 86_400_000);
    return { from: start, to: end };
  });

interface MemberUsage {
  userId: string | null;
  email: string | null;
  fullName: string;
  spent: bigint;
  transactions: bigint;
}

/** Credits each member spent from the org wallet in [from, to) (owners and admins). */
export async function getOrgUsageByMember(
  session: DbSession,
  orgId: string,
  query: z.input<typeof memberUsageQuery> = {},
): Promise<MemberUsage[]> {
  const { from, to } = memberUsageQuery.parse(query);
  const rows = await withUser(
    session,
    (tx) =>
      tx<
        {
          user_id: string | null;
          email: string | null;
          full_name: string;
          spent: bigint;
          transactions: bigint;
        }[]
      >`select * from public.org_usage_by_member(${z.uuid().parse(orgId)}, ${from}, ${to})`,
  );
  return rows.map((row) => ({
    userId: row.user_id,
    email: row.email,
    fullName: row.full_name,
    spent: row.spent,
    transactions: row.transactions,
  }));
}

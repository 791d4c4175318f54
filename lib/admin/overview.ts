import 'server-only';
import { asService, type DbSession } from '@/lib/db';
import type { Category, UsageReport } from '@/lib/credits';
import { requirePlatformAdmin } from './guard';

/**
 * System-wide reads for the admin overview, straight from the ledger: spending per UTC day and
 * category, the orgs that spend most, and the orgs that run dry within a week at their burn rate.
 * Spending is what left wallets as spends and posted holds (gross of refunds).
 */

interface OrgSpend {
  orgId: string;
  slug: string;
  name: string;
  spent: bigint;
}

interface OrgAtRisk {
  orgId: string;
  slug: string;
  name: string;
  available: bigint;
  /** Spent over the last 7 days. */
  burn7d: bigint;
  /** Whole days left at the 7-day average rate (0 when less than a day is left). */
  daysLeft: number;
}

interface AdminOverview {
  from: Date;
  to: Date;
  /** Every UTC day of the last 30 (zero days included), in the shape the usage chart takes. */
  usage: UsageReport;
  topOrgs: OrgSpend[];
  atRisk: OrgAtRisk[];
}

const DAY_MS = 86_400_000;

function toUsageReport(
  rows: { day: string; category: Category; amount: bigint }[],
  from: Date,
  to: Date,
): UsageReport {
  const days = new Map<string, UsageReport['daily'][number]>();
  for (let at = from.getTime(); at < to.getTime(); at += DAY_MS) {
    const day = new Date(at).toISOString().slice(0, 10);
    days.set(day, { day, total: 0n, byCategory: {} });
  }
  const byCategory = new Map<Category, bigint>();
  for (const row of rows) {
    const day = days.get(row.day);
    if (day) {
      day.total += row.amount;
      day.byCategory[row.category] = (day.byCategory[row.category] ?? 0n) + row.amount;
    }
    byCategory.set(row.category, (byCategory.get(row.category) ?? 0n) + row.amount);
  }
  const entries = [...byCategory.entries()].sort((a, b) =>
    b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0,
  );
  return {
    period: '30d',
    from,
    to,
    total: entries.reduce((sum, [, amount]) => sum + amount, 0n),
    byCategory: entries.map(([category, amount]) => ({ category, amount })),
    daily: [...days.values()],
  };
}

export async function getAdminOverview(
  session: DbSession,
  now = new Date(),
): Promise<AdminOverview> {
  await requirePlatformAdmin(session);
  const to = now;
  const from = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 29 * DAY_MS,
  );
  const weekAgo = new Date(now.getTime() - 7 * DAY_MS);

  return asService(async (tx) => {
    const daily = await tx<{ day: string; category: Category; amount: bigint }[]>`
      select to_char(t.created_at at time zone 'UTC', 'YYYY-MM-DD') as day, t.category,
             sum(t.amount)::bigint as amount
      from public.transfers t
      join public.accounts a on a.id = t.debit_account_id
      where t.kind in ('spend', 'hold_post') and a.kind <> 'system'
        and t.created_at >= ${from} and t.created_at < ${to}
      group by 1, 2
      order by 1, 2`;

    const topOrgs = await tx<{ org_id: string; slug: string; name: string; spent: bigint }[]>`
      select o.id as org_id, o.slug, o.name, sum(t.amount)::bigint as spent
      from public.transfers t
      join public.accounts a on a.id = t.debit_account_id and a.kind = 'org_wallet'
      join public.organizations o on o.id = a.org_id
      where t.kind in ('spend', 'hold_post') and t.created_at >= ${from} and t.created_at < ${to}
      group by o.id, o.slug, o.name
      order by spent desc, o.slug
      limit 10`;

    // Out of credits within 7 days at the last 7 days' rate: available <= burn over 7 days.
    const atRisk = await tx<
      { org_id: string; slug: string; name: string; available: bigint; burn: bigint }[]
    >`
      select o.id as org_id, o.slug, o.name,
             (a.credits_posted - a.debits_posted - a.debits_pending)::bigint as available,
             b.burn
      from public.accounts a
      join public.organizations o on o.id = a.org_id
      join lateral (
        select coalesce(sum(t.amount), 0)::bigint as burn
        from public.transfers t
        where t.debit_account_id = a.id and t.kind in ('spend', 'hold_post')
          and t.created_at >= ${weekAgo} and t.created_at < ${to}
      ) b on true
      where a.kind = 'org_wallet' and b.burn > 0
        and a.credits_posted - a.debits_posted - a.debits_pending <= b.burn
      order by (a.credits_posted - a.debits_posted - a.debits_pending)::numeric / b.burn, o.slug
      limit 20`;

    return {
      from,
      to,
      usage: toUsageReport(daily, from, to),
      topOrgs: topOrgs.map((row) => ({
        orgId: row.org_id,
        slug: row.slug,
        name: row.name,
        spent: row.spent,
      })),
      atRisk: atRisk.map((row) => ({
        orgId: row.org_id,
        slug: row.slug,
        name: row.name,
        available: row.available,
        burn7d: row.burn,
        daysLeft: Number((row.available * 7n) / row.burn),
      })),
    };
  });
}

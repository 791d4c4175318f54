import 'server-only';
import { withUser, type DbSession } from '@/lib/db';

/**
 * The dashboard home's figures in two statements under the caller's RLS: every wallet they use
 * or manage (the personal one, and each org they own or administer) with its balance and this
 * and last month's net spend; then the latest movements on those wallets and the alerts raised
 * on them this month.
 */

export interface HomeWallet {
  walletId: string;
  kind: 'personal' | 'org';
  orgId: string | null;
  orgName: string | null;
  orgSlug: string | null;
  role: 'owner' | 'admin' | null;
  available: bigint;
  pending: bigint;
  frozen: boolean;
  /** Spends and usage charges less refunds, UTC calendar months (micro-credits). */
  spentThisMonth: bigint;
  spentLastMonth: bigint;
}

export interface HomeActivity {
  id: bigint;
  createdAt: Date;
  walletId: string;
  kind: string;
  category: string;
  description: string | null;
  direction: 'debit' | 'credit';
  amount: bigint;
}

export interface HomeAlert {
  id: bigint;
  kind: string;
  walletId: string | null;
  orgId: string | null;
  threshold: bigint;
  createdAt: Date;
}

export interface HomeOverview {
  wallets: HomeWallet[];
  activity: HomeActivity[];
  alerts: HomeAlert[];
}

type WalletRow = Omit<HomeWallet, 'kind'> & { kind: 'user_wallet' | 'org_wallet' };

export async function getHomeOverview(session: DbSession): Promise<HomeOverview> {
  const me = session.userId;
  return withUser(session, async (tx) => {
    const rows = await tx<WalletRow[]>`
      with mine as (
        select a.id, a.kind, a.org_id, o.name as org_name, o.slug as org_slug, m.role
        from public.accounts a
        left join public.organization_members m on m.org_id = a.org_id and m.user_id = ${me}
        left join public.organizations o on o.id = a.org_id
        where a.user_id = ${me} or m.role in ('owner', 'admin')
      ), months as (
        select date_trunc('month', now() at time zone 'utc') at time zone 'utc' as this_month,
               (date_trunc('month', now() at time zone 'utc') - interval '1 month') at time zone 'utc' as last_month
      )
      select w.id as "walletId", w.kind, w.org_id as "orgId", w.org_name as "orgName",
             w.org_slug as "orgSlug", w.role, s.available, s.pending, s.frozen,
             coalesce(sum(case when t.debit_account_id = w.id then t.amount else -t.amount end)
               filter (where t.created_at >= months.this_month), 0)::bigint as "spentThisMonth",
             coalesce(sum(case when t.debit_account_id = w.id then t.amount else -t.amount end)
               filter (where t.created_at < months.this_month), 0)::bigint as "spentLastMonth"
      from mine w
      cross join months
      cross join lateral public.credit_summary(w.id) s
      left join public.transfers t
        on t.key_account_id = w.id and t.kind in ('spend', 'hold_post', 'refund')
       and t.created_at >= months.last_month
      group by w.id, w.kind, w.org_id, w.org_name, w.org_slug, w.role, s.available, s.pending, s.frozen
      order by w.kind desc, w.org_name`;
    const wallets: HomeWallet[] = rows.map((row) => ({
      ...row,
      kind: row.kind === 'user_wallet' ? 'personal' : 'org',
    }));
    const ids = wallets.map((wallet) => wallet.walletId);
    const [extra] = await tx<{ activity: HomeActivity[] | null; alerts: HomeAlert[] | null }[]>`
      select
        (select json_agg(x order by x."createdAt" desc, x.id desc) from (
           select t.id, t.created_at as "createdAt",
                  case when t.key_account_id = any(${ids}::uuid[]) then t.key_account_id else t.credit_account_id end as "walletId",
                  t.kind, t.category, t.description, t.amount::text as amount,
                  case when t.debit_account_id = any(${ids}::uuid[]) then 'debit' else 'credit' end as direction
           from public.transfers t
           where t.key_account_id = any(${ids}::uuid[])
              or (t.credit_account_id = any(${ids}::uuid[]) and t.kind = 'transfer')
           order by t.created_at desc, t.id desc
           limit 6) x) as activity,
        (select json_agg(y order by y."createdAt" desc) from (
           select al.id, al.kind, al.account_id as "walletId", al.org_id as "orgId",
                  al.threshold::text as threshold, al.created_at as "createdAt"
           from public.alerts al
           where al.created_at >= date_trunc('month', now() at time zone 'utc') at time zone 'utc'
             and (al.user_id = ${me} or al.account_id = any(${ids}::uuid[]))
           order by al.created_at desc
           limit 5) y) as alerts`;
    return {
      wallets,
      activity: (extra?.activity ?? []).map((item) => ({
        ...item,
        id: BigInt(item.id),
        amount: BigInt(item.amount as unknown as string),
        createdAt: new Date(item.createdAt),
      })),
      alerts: (extra?.alerts ?? []).map((item) => ({
        ...item,
        id: BigInt(item.id),
        threshold: BigInt(item.threshold as unknown as string),
        createdAt: new Date(item.createdAt),
      })),
    };
  });
}

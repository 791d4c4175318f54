import { expect, it } from 'vitest';
import { seed } from '../../scripts/prepare-db';
import { db } from '../helpers/fixtures';

it('the demo seed creates the demo people, an org, true balances, and balanced books', async () => {
  await seed(db());
  const people = await db()`select email from public.profiles order by email`;
  expect(people.map((row) => row.email)).toEqual([
    'admin@tollgate.dev',
    'member@tollgate.dev',
    'owner@tollgate.dev',
    'pro@tollgate.dev',
    'starter@tollgate.dev',
  ]);
  const [stats] = await db()`
    select count(*) filter (where kind = 'spend')::int as spends,
           count(distinct category) filter (where kind = 'spend')::int as categories,
           count(distinct created_at::date) filter (where kind = 'spend')::int as days,
           count(*) filter (where created_at > now())::int as future
    from public.transfers`;
  expect(stats!.spends).toBeGreaterThan(100);
  expect(stats!.categories).toBeGreaterThanOrEqual(4);
  expect(stats!.days).toBeGreaterThanOrEqual(20);
  expect(stats!.future).toBe(0);
  const sources = await db()`select distinct source from public.lots order by source`;
  expect(sources.map((row) => row.source)).toEqual(['admin', 'plan', 'promo', 'purchase']);
  // Nimbus Labs spends on a pay-as-you-go credit line: 75 credits used of 20, 55 owed.
  const [nimbus] = await db()`
    select s.available, p.owed, p.credit_limit
    from public.accounts a
    join public.organizations o on o.id = a.org_id and o.slug = 'nimbus-labs',
    lateral public.credit_summary(a.id) s, lateral public.postpaid_summary(a.id) p`;
  expect(nimbus).toEqual({
    available: -55_000_000n,
    owed: 55_000_000n,
    credit_limit: 250_000_000n,
  });
  // Every demo person has something unread in the bell; Mei's is Ada's invitation to Nimbus Labs.
  const unread = await db()`
    select p.email, count(n.id)::int as n from public.profiles p
    left join public.notifications n on n.user_id = p.id and n.read_at is null
    group by p.email order by p.email`;
  expect(unread.filter((row) => row.n === 0).map((row) => row.email)).toEqual([]);
  const meis = await db()`
    select n.kind, n.title from public.notifications n
    join public.profiles p on p.id = n.user_id and p.email = 'member@tollgate.dev'
    where n.read_at is null`;
  expect(meis).toEqual([
    { kind: 'org.invitation_received', title: 'Invitation to join Nimbus Labs' },
  ]);
  expect(await db()`select * from public.ledger_check()`).toEqual([]);
  // Priya's plan lot ends with her subscription's period, in whole seconds as local events carry
  // it, so a renewal from the local portal rolls its remainder over.
  const [priya] = await db()`
    select l.expires_at = m.current_period_end as same_end,
           m.current_period_end = date_trunc('second', m.current_period_end) as whole_seconds
    from public.lots l
    join public.transfers t on t.id = l.origin_transfer_id
    join public.billing_subscriptions m on m.account_id = l.account_id
    where t.idempotency_key = 'seed-pro-plan'`;
  expect(priya).toEqual({ same_end: true, whole_seconds: true });
  // The seed's back-dated clock is switched off again.
  expect(await db()`select * from private.test_clock`).toEqual([]);
});

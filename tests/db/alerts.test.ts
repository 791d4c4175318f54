import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  claimsFor,
  createOrg,
  createUser,
  db,
  outcome,
  type TestUser,
} from '../helpers/fixtures';
import { allowTestClock, asUser, clocked, CREDIT, grant, walletOf } from '../helpers/ledger';
import { DAY, subscribe } from '../helpers/plans';

/**
 * Alerts against the real database: thresholds raised exactly once under concurrent spends, a new
 * period raising them again, org alerts reaching owners and admins only, allowance thresholds,
 * refused spends once a day, the maintenance scan (spike, run-out, expiring keys, failed
 * auto-recharge) on a test clock, settings validation and RLS.
 */

const CLIENTS = 50;
let clients: postgres.Sql;

beforeAll(async () => {
  await allowTestClock();
  clients = postgres(process.env.DATABASE_URL!, {
    max: CLIENTS,
    onnotice: () => {},
    types: { bigint: postgres.BigInt },
  });
  await Promise.all(Array.from({ length: CLIENTS }, () => clients`select pg_sleep(0.05)`));
  return () => clients.end();
});

function asClient<T>(
  user: TestUser,
  work: (tx: postgres.TransactionSql) => Promise<T>,
  at?: Date,
): Promise<T> {
  return clients.begin(async (tx) => {
    await tx`select set_config('role', 'authenticated', true),
                    set_config('request.jwt.claims', ${JSON.stringify(claimsFor(user.id))}, true)`;
    if (at) await tx`select set_config('tollgate.clock', ${at.toISOString()}, true)`;
    return work(tx);
  }) as Promise<T>;
}

async function alertsOf(subject: string) {
  return db()<{ kind: string; threshold: bigint; period_start: Date }[]>`
    select kind, threshold, period_start from public.alerts where subject = ${subject}
    order by period_start, kind, threshold`;
}

async function notificationsOf(user: TestUser) {
  return db()<{ kind: string; title: string; link: string | null }[]>`
    select kind, title, link from public.notifications where user_id = ${user.id} order by id`;
}

async function eventsOf(owner: { userId: string } | { orgId: string }) {
  const rows =
    'userId' in owner
      ? await db()<{ type: string }[]>`
          select type from public.events where user_id = ${owner.userId} order by created_at, type`
      : await db()<{ type: string }[]>`
          select type from public.events where org_id = ${owner.orgId} order by created_at, type`;
  return rows.map((row) => row.type).sort();
}

async function scan(at?: Date): Promise<Record<string, number>> {
  const rows = await clocked(
    at,
    (tx) => tx<{ kind: string; raised: number }[]>`select * from public.alerts_scan()`,
  );
  return Object.fromEntries(rows.map((row) => [row.kind, row.raised]));
}

function startOfMonth(at: Date, plusMonths = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + plusMonths, 1));
}

describe('wallet thresholds', () => {
  it('fire exactly once each under 50 concurrent spends that cross them', async () => {
    const alice = await createUser('Alice');
    const wallet = await walletOf({ userId: alice.id });
    await grant(wallet, 100n * CREDIT);
    const [armed] = await db()`select alert_below from public.accounts where id = ${wallet}`;
    // 80 % of the 100 credits granted this month: armed at 20 credits (plus one micro-credit).
    expect(armed!.alert_below).toBe(20n * CREDIT + 1n);

    const results = await Promise.allSettled(
      Array.from({ length: CLIENTS }, (_, i) =>
        asClient(
          alice,
          (tx) =>
            tx`select * from public.credit_spend(${wallet}, ${(2n * CREDIT).toString()}::bigint, 'ai_usage', ${'race-' + i})`,
        ),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(CLIENTS);

    const alerts = await alertsOf(`wallet:${wallet}`);
    expect(alerts.map((row) => [row.kind, row.threshold])).toEqual([
      ['balance.low', 5n * CREDIT],
      ['balance.threshold', 80n],
      ['balance.threshold', 95n],
      ['usage.limit_reached', 100n],
    ]);
    const notes = await notificationsOf(alice);
    expect(notes.map((row) => row.kind).sort()).toEqual([
      'balance.low',
      'balance.threshold',
      'balance.threshold',
      'usage.limit_reached',
    ]);
    expect(notes.every((row) => row.link === '/credits')).toBe(true);
    expect(notes.map((row) => row.title)).toContain('You have used 80% of your credits');
    expect(await eventsOf({ userId: alice.id })).toEqual([
      'balance.low',
      'balance.threshold',
      'balance.threshold',
      'usage.limit_reached',
    ]);
    // Nothing left to raise this month.
    const [after] = await db()`select alert_below from public.accounts where id = ${wallet}`;
    expect(after!.alert_below).toBeNull();
  });

  it('fire again in a new month', async () => {
    const bob = await createUser('Bob');
    const wallet = await walletOf({ userId: bob.id });
    await grant(wallet, 10n * CREDIT);
    await asUser(
      bob,
      (tx) => tx`select * from public.credit_spend(${wallet}, 8500000, 'ai_usage', 'm1')`,
    );
    expect((await alertsOf(`wallet:${wallet}`)).map((row) => row.kind)).toEqual([
      'balance.low',
      'balance.threshold',
    ]);

    // Next month: 1.5 credits carried over plus 8.5 bought = a grant of 10 again.
    const next = new Date(startOfMonth(new Date(), 1).getTime() + 2 * DAY);
    await clocked(
      next,
      (tx) => tx`select * from public.credit_grant(${wallet}, 8500000, 'purchase', 'next-month')`,
    );
    const [period] = await db()`
      select period_start, period_grant from public.wallet_alert_periods where account_id = ${wallet}`;
    expect(period).toEqual({ period_start: startOfMonth(next), period_grant: 10n * CREDIT });
    await asUser(
      bob,
      (tx) => tx`select * from public.credit_spend(${wallet}, 8500000, 'ai_usage', 'm2')`,
      next,
    );
    const alerts = await alertsOf(`wallet:${wallet}`);
    expect(alerts.map((row) => [row.kind, row.period_start])).toEqual([
      ['balance.low', startOfMonth(new Date())],
      ['balance.threshold', startOfMonth(new Date())],
      ['balance.low', startOfMonth(next)],
      ['balance.threshold', startOfMonth(next)],
    ]);
    expect(await notificationsOf(bob)).toHaveLength(4);
  });

  it('org alerts reach the owners and admins, not plain members', async () => {
    const owner = await createUser('Olga Owner');
    const admin = await createUser('Adam Admin');
    const member = await createUser('Mia Member');
    const org = await createOrg(owner, [
      { user: admin, role: 'admin' },
      { user: member, role: 'member' },
    ]);
    const wallet = await walletOf({ orgId: org.id });
    await grant(wallet, 10n * CREDIT);
    await asUser(
      member,
      (tx) => tx`select * from public.credit_spend(${wallet}, 9000000, 'ai_usage', 'org-1')`,
    );

    const alerts = await db()`
      select kind, threshold, user_id, org_id from public.alerts where account_id = ${wallet} order by kind`;
    expect(alerts).toEqual([
      { kind: 'balance.low', threshold: 5n * CREDIT, user_id: null, org_id: org.id },
      { kind: 'balance.threshold', threshold: 80n, user_id: null, org_id: org.id },
    ]);
    for (const manager of [owner, admin]) {
      const notes = await notificationsOf(manager);
      expect(notes.map((row) => row.kind).sort()).toEqual(['balance.low', 'balance.threshold']);
      expect(notes[0]!.link).toBe(`/organizations/${org.slug}/credits`);
    }
    expect(await notificationsOf(member)).toEqual([]);
    expect(await eventsOf({ orgId: org.id })).toEqual(['balance.low', 'balance.threshold']);

    // RLS: the admin reads the org's alerts, the plain member and a stranger do not.
    const stranger = await createUser('Stranger');
    const visible = async (user: TestUser) =>
      as('authenticated', claimsFor(user.id), async (tx) => {
        const [row] =
          await tx`select count(*)::int as n from public.alerts where org_id = ${org.id}`;
        return row!.n as number;
      });
    expect(await visible(admin)).toBe(2);
    expect(await visible(member)).toBe(0);
    expect(await visible(stranger)).toBe(0);
  });

  it('settings: bad thresholds are refused and change nothing; alerts can be switched off', async () => {
    const cleo = await createUser('Cleo');
    const stranger = await createUser('Stranger');
    const wallet = await walletOf({ userId: cleo.id });
    await grant(wallet, 10n * CREDIT);
    const set = (user: TestUser, thresholds: number[], low = 0n, enabled = true) =>
      outcome(() =>
        asUser(
          user,
          (tx) =>
            tx`select * from public.alert_settings_set(${wallet}, ${enabled}, ${thresholds}::smallint[], ${low.toString()}::bigint)`,
        ),
      );
    expect(await set(cleo, [0, 50])).toBe('TG422');
    expect(await set(cleo, [50, 50])).toBe('TG422');
    expect(await set(cleo, [101])).toBe('TG422');
    expect(await set(cleo, [50], -1n)).toBe('TG422');
    expect(await set(stranger, [50])).toBe('TG404');
    expect(await db()`select * from public.alert_settings where account_id = ${wallet}`).toEqual(
      [],
    );

    expect(await set(cleo, [90, 50])).toBe('ok');
    const [saved] = await db()`
      select thresholds, low_balance, enabled from public.alert_settings where account_id = ${wallet}`;
    expect(saved).toEqual({ thresholds: [50, 90], low_balance: 0n, enabled: true });
    const [armed] = await db()`select alert_below from public.accounts where id = ${wallet}`;
    expect(armed!.alert_below).toBe(5n * CREDIT + 1n);

    expect(await set(cleo, [50], 0n, false)).toBe('ok');
    const [off] = await db()`select alert_below from public.accounts where id = ${wallet}`;
    expect(off!.alert_below).toBeNull();
    await asUser(
      cleo,
      (tx) => tx`select * from public.credit_spend(${wallet}, 9000000, 'ai_usage', 'off')`,
    );
    expect(await alertsOf(`wallet:${wallet}`)).toEqual([]);
  });
});

describe('allowance thresholds', () => {
  it('fire once under concurrent deductions', async () => {
    const pia = await createUser('Pia');
    await subscribe('user', pia.id, 'pro');
    // 1,000 general tokens this period: 50 × 17 = 850 is 85 %.
    const results = await Promise.allSettled(
      Array.from({ length: CLIENTS }, (_, i) =>
        asClient(
          pia,
          (tx) =>
            tx`select * from public.token_consume('user', ${pia.id}, 'general', 17, 'test', ${'tok-' + i})`,
        ),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(CLIENTS);
    // Concurrent lanes may each see a slightly stale total; the next deduction settles it.
    await asUser(
      pia,
      (tx) =>
        tx`select * from public.token_consume('user', ${pia.id}, 'general', 1, 'test', 'tok-last')`,
    );
    const alerts = await alertsOf(`allowance:user:${pia.id}:general`);
    expect(alerts.map((row) => [row.kind, row.threshold])).toEqual([['allowance.threshold', 80n]]);
    const notes = (await notificationsOf(pia)).filter((row) => row.kind === 'allowance.threshold');
    expect(notes).toEqual([
      { kind: 'allowance.threshold', title: '80% of the General allowance used', link: '/tokens' },
    ]);
    expect(
      (await eventsOf({ userId: pia.id })).filter((type) => type.startsWith('allowance')),
    ).toEqual(['allowance.threshold']);

    // The rest of the allowance: 100 % is usage.limit_reached, once.
    await asUser(
      pia,
      (tx) =>
        tx`select * from public.token_consume('user', ${pia.id}, 'general', 149, 'test', 'tok-all')`,
    );
    expect((await alertsOf(`allowance:user:${pia.id}:general`)).map((row) => row.kind)).toEqual([
      'allowance.threshold',
      'allowance.threshold',
      'usage.limit_reached',
    ]);
  });
});

describe('refused spends', () => {
  it('are recorded once per wallet and day, by the service only', async () => {
    const ray = await createUser('Ray');
    const wallet = await walletOf({ userId: ray.id });
    const refuse = (at?: Date) =>
      clocked(at, async (tx) => {
        await tx`select set_config('role', 'service_role', true)`;
        const [row] = await tx<{ recorded: boolean }[]>`
          select public.alert_spend_refused(${wallet}, 3000000, 1000000) as recorded`;
        return row!.recorded;
      });
    expect(await refuse()).toBe(true);
    expect(await refuse()).toBe(false);
    expect(await refuse(new Date(Date.now() + DAY))).toBe(true);
    expect(
      await outcome(() =>
        asUser(ray, (tx) => tx`select public.alert_spend_refused(${wallet}, 1, 0)`),
      ),
    ).toBe('42501');
    expect((await alertsOf(`wallet:${wallet}`)).map((row) => row.kind)).toEqual([
      'spend.refused',
      'spend.refused',
    ]);
    const notes = await notificationsOf(ray);
    expect(notes).toHaveLength(2);
    expect(notes[0]!.title).toBe('A spend was refused for lack of credits');
    expect(await eventsOf({ userId: ray.id })).toEqual(['spend.refused', 'spend.refused']);
  });
});

describe('the maintenance scan', () => {
  // Far enough ahead that no other test's spending falls in its 14-day window.
  const day0 = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 5, 20, 12));
  const dayAt = (offset: number) => new Date(day0.getTime() + offset * DAY);

  it('raises a usage spike once a day, and a run-out forecast once a month', async () => {
    const sid = await createUser('Sid');
    const wallet = await walletOf({ userId: sid.id });
    await clocked(
      dayAt(-20),
      (tx) => tx`select public.credit_grant(${wallet}, 1000000000, 'purchase', 'big')`,
    );
    for (let d = -14; d <= -1; d += 1) {
      await asUser(
        sid,
        (tx) => tx`select public.credit_spend(${wallet}, 1000000, 'ai_usage', ${'d' + d})`,
        dayAt(d),
      );
    }
    expect((await scan(dayAt(0)))['usage.spike']).toBeUndefined();
    // Today: 3 credits is not more than 3 × the 1-credit average; 4 is.
    await asUser(
      sid,
      (tx) => tx`select public.credit_spend(${wallet}, 3000000, 'ai_usage', 'today-1')`,
      dayAt(0),
    );
    expect((await scan(dayAt(0)))['usage.spike']).toBeUndefined();
    await asUser(
      sid,
      (tx) => tx`select public.credit_spend(${wallet}, 1000000, 'ai_usage', 'today-2')`,
      dayAt(0),
    );
    expect((await scan(dayAt(0)))['usage.spike']).toBe(1);
    await asUser(
      sid,
      (tx) => tx`select public.credit_spend(${wallet}, 1000000, 'ai_usage', 'today-3')`,
      dayAt(0),
    );
    expect((await scan(dayAt(0)))['usage.spike']).toBeUndefined();
    const spikes = await db()`
      select threshold, period_start, data->>'today' as today from public.alerts
      where account_id = ${wallet} and kind = 'usage.spike'`;
    expect(spikes).toEqual([
      {
        threshold: 300n,
        period_start: new Date(Date.UTC(day0.getUTCFullYear(), 5, 20)),
        today: '4000000',
      },
    ]);
    expect((await notificationsOf(sid)).map((row) => row.title)).toContain('Unusual usage today');

    // Run-out: 20 credits, 2 a day for a week → 6 left at 2 a day is 3 days.
    const una = await createUser('Una');
    const small = await walletOf({ userId: una.id });
    await clocked(
      dayAt(-10),
      (tx) => tx`select public.credit_grant(${small}, 20000000, 'purchase', 'small')`,
    );
    for (let d = -7; d <= -1; d += 1) {
      await asUser(
        una,
        (tx) => tx`select public.credit_spend(${small}, 2000000, 'ai_usage', ${'u' + d})`,
        dayAt(d),
      );
    }
    expect((await scan(dayAt(0)))['balance.runout']).toBe(1);
    await asUser(
      una,
      (tx) => tx`select public.credit_spend(${small}, 1000000, 'ai_usage', 'u0')`,
      dayAt(0),
    );
    expect((await scan(dayAt(0)))['balance.runout']).toBeUndefined();
    const [runout] = await db()`
      select threshold, data->>'daysLeft' as days from public.alerts
      where account_id = ${small} and kind = 'balance.runout'`;
    expect(runout).toEqual({ threshold: 7n, days: '3' });
    expect((await notificationsOf(una)).map((row) => row.title)).toContain(
      'Credits run out in about 3 days',
    );
    expect(await eventsOf({ userId: una.id })).toContain('balance.runout');
  });

  it('raises an expiring provider key once, and a failed auto-recharge once (event only)', async () => {
    const kim = await createUser('Kim');
    const wallet = await walletOf({ userId: kim.id });
    const [soon] = await db()`
      insert into public.ai_provider_keys (subject_kind, subject_id, provider, ciphertext, key_hint, expires_at)
      values ('user', ${kim.id}, 'openai', 'v1:YQ==:Yg==:Yw==', '1234', now() + interval '3 days'),
             ('user', ${kim.id}, 'anthropic', 'v1:YQ==:Yg==:Yw==', '5678', now() + interval '20 days')
      returning id`;
    expect((await scan())['key.expiring']).toBe(1);
    expect((await scan())['key.expiring']).toBeUndefined();
    const keys =
      await db()`select subject from public.alerts where kind = 'key.expiring' and user_id = ${kim.id}`;
    expect(keys).toEqual([{ subject: `key:${soon!.id}` }]);
    const notes = await notificationsOf(kim);
    expect(notes.map((row) => row.title)).toEqual([
      expect.stringMatching(/^Your OpenAI key expires on /),
    ]);

    const [pkg] = await db()`select id from public.credit_packages where slug = 'starter'`;
    await db()`
      insert into public.payments (account_id, package_id, buyer_id, kind, provider, attempt_key, package_name,
                                   amount, currency, credits, bonus_credits, status, failure_message)
      values (${wallet}, ${pkg!.id}, ${kim.id}, 'auto_recharge', 'stripe', 'auto-recharge:test', 'Starter',
              1000, 'usd', 100000000, 0, 'failed', 'Your card was declined.')`;
    expect((await scan())['auto_recharge.failed']).toBe(1);
    expect((await scan())['auto_recharge.failed']).toBeUndefined();
    expect(await eventsOf({ userId: kim.id })).toEqual(['auto_recharge.failed', 'key.expiring']);
    expect(await notificationsOf(kim)).toHaveLength(1);
  });
});

describe('notifications', () => {
  it('a stranger reads and marks none of them; the owner marks hers read', async () => {
    const nia = await createUser('Nia');
    const stranger = await createUser('Stranger');
    const wallet = await walletOf({ userId: nia.id });
    await grant(wallet, 10n * CREDIT);
    await asUser(
      nia,
      (tx) => tx`select * from public.credit_spend(${wallet}, 9000000, 'ai_usage', 'n1')`,
    );
    const mine = await notificationsOf(nia);
    expect(mine).toHaveLength(2);

    const seen = await asUser(stranger, async (tx) => {
      const [notes] =
        await tx`select count(*)::int as n from public.notifications where user_id = ${nia.id}`;
      const [alerts] =
        await tx`select count(*)::int as n from public.alerts where user_id = ${nia.id}`;
      const [marked] = await tx`select public.notifications_mark_read(null) as n`;
      return [notes!.n, alerts!.n, marked!.n];
    });
    expect(seen).toEqual([0, 0, 0]);
    const [unread] = await db()`
      select count(*)::int as n from public.notifications where user_id = ${nia.id} and read_at is null`;
    expect(unread!.n).toBe(2);

    const marked = await asUser(nia, async (tx) => {
      const [row] = await tx`select public.notifications_mark_read(null) as n`;
      return row!.n;
    });
    expect(marked).toBe(2);
  });
});

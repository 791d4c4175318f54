import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { claimsFor, createOrg, createUser, db, type TestUser } from '../helpers/fixtures';
import { available, CREDIT, grant, ledgerCheck, walletOf } from '../helpers/ledger';
import { subscribe } from '../helpers/plans';

/**
 * Pay-as-you-go against the real database: 100 separate connections race on a wallet with a
 * credit line; exactly the affordable number succeed and the wallet never goes past minus its
 * limit. The part past zero is postpaid usage (one row per transfer), a paid invoice settles it
 * once under replays, an unpaid one freezes the line, and ledger_check() stays empty throughout.
 */

const CLIENTS = 100;
let clients: postgres.Sql;

beforeAll(async () => {
  clients = postgres(process.env.DATABASE_URL!, {
    max: CLIENTS,
    onnotice: () => {},
    types: { bigint: postgres.BigInt },
  });
  await Promise.all(Array.from({ length: CLIENTS }, () => clients`select pg_sleep(0.05)`));
  return () => clients.end();
});

function asClient<T>(user: TestUser, work: (tx: postgres.TransactionSql) => Promise<T>) {
  return clients.begin(async (tx) => {
    await tx`select set_config('role', 'authenticated', true),
                    set_config('request.jwt.claims', ${JSON.stringify(claimsFor(user.id))}, true)`;
    return work(tx);
  }) as Promise<T>;
}

async function race(run: (i: number) => Promise<unknown>) {
  const results = await Promise.allSettled(Array.from({ length: CLIENTS }, (_, i) => run(i)));
  const codes = results.map((result) =>
    result.status === 'fulfilled'
      ? 'ok'
      : ((result.reason as { code?: string }).code ?? String(result.reason)),
  );
  return {
    ok: codes.filter((code) => code === 'ok').length,
    insufficient: codes.filter((code) => code === 'TG402').length,
    other: codes.filter((code) => code !== 'ok' && code !== 'TG402'),
  };
}

async function setLimit(wallet: string, limit: bigint | null) {
  const [row] = await db()<{ credit_limit: bigint; frozen: boolean }[]>`
    select credit_limit, frozen from public.admin_set_credit_limit(${wallet},
      ${limit === null ? null : limit.toString()}::bigint, 'Pay-as-you-go pilot')`;
  return row!;
}

async function usage(wallet: string) {
  const [row] = await db()<{ n: number; total: bigint | null; unsettled: bigint | null }[]>`
    select count(*)::int as n, sum(amount)::bigint as total,
           sum(amount) filter (where settled_by is null)::bigint as unsettled
    from public.postpaid_usage where account_id = ${wallet}`;
  return { n: row!.n, total: row!.total ?? 0n, unsettled: row!.unsettled ?? 0n };
}

async function markAllSent(wallet: string) {
  await db()`select public.postpaid_meter_sent(transfer_id) from public.postpaid_usage
             where account_id = ${wallet} and meter_status = 'queued'`;
}

async function customer(wallet: string, id: string) {
  await db()`select public.billing_customer_save(${wallet}, 'stripe', ${id})`;
}

async function spend(user: TestUser, wallet: string, amount: bigint, key: string) {
  return asClient(
    user,
    (tx) =>
      tx`select * from public.credit_spend(${wallet}, ${amount.toString()}::bigint, 'ai_usage', ${key})`,
  );
}

describe('a postpaid credit line under 100 concurrent clients', () => {
  it('spends exactly down to minus the limit, never past it, and records the part past zero', async () => {
    const alice = await createUser('Alice');
    const wallet = await walletOf({ userId: alice.id });
    await grant(wallet, 10n * CREDIT);
    expect((await setLimit(wallet, 40n * CREDIT)).credit_limit).toBe(40n * CREDIT);

    // 10 credits + a 40-credit line = 50 credits: 16 spends of 3 fit (48), the 17th would not.
    const outcome = await race((i) => spend(alice, wallet, 3n * CREDIT, `pp-spend-${i}`));
    expect(outcome).toEqual({ ok: 16, insufficient: CLIENTS - 16, other: [] });
    expect(await available(wallet)).toBe(-38n * CREDIT);
    // One spend crossed zero (2 of its 3 credits past it), twelve went wholly past it.
    expect(await usage(wallet)).toEqual({ n: 13, total: 38n * CREDIT, unsettled: 38n * CREDIT });
    const [row] = await db()<{ transfers: number }[]>`
      select count(*)::int as transfers from public.postpaid_usage u
      join public.transfers t on t.id = u.transfer_id
      where u.account_id = ${wallet} and t.kind = 'spend' and t.debit_account_id = ${wallet}`;
    expect(row!.transfers).toBe(13);
    expect(await ledgerCheck()).toEqual([]);

    // What the wallet could still spend is reported with the refusal.
    const refused = await spend(alice, wallet, 3n * CREDIT, 'pp-spend-after').catch(
      (error: { code: string; hint: string }) => error,
    );
    expect(refused).toMatchObject({ code: 'TG402' });
    expect(JSON.parse((refused as { hint: string }).hint)).toMatchObject({
      available: (2n * CREDIT).toString(),
    });
  });

  it('holds reserve against the line; settling posts the usage past zero', async () => {
    const bob = await createUser('Bob');
    const wallet = await walletOf({ userId: bob.id });
    await grant(wallet, 5n * CREDIT);
    await setLimit(wallet, 20n * CREDIT);

    const holds: bigint[] = [];
    const outcome = await race((i) =>
      asClient(bob, async (tx) => {
        const [row] = await tx<{ hold_id: bigint }[]>`
          select hold_id from public.credit_reserve(${wallet}, ${(2n * CREDIT).toString()}::bigint,
            'ai_usage', ${'pp-hold-' + i}, 60)`;
        holds.push(row!.hold_id);
      }),
    );
    // 25 credits in all: 12 holds of 2.
    expect(outcome).toEqual({ ok: 12, insufficient: CLIENTS - 12, other: [] });
    expect(await available(wallet)).toBe(-19n * CREDIT);
    expect((await usage(wallet)).n).toBe(0); // a reservation is not usage
    expect(await ledgerCheck()).toEqual([]);

    await Promise.all(
      holds.map(
        (hold) =>
          db()`select * from public.credit_settle(${hold.toString()}::bigint, ${CREDIT.toString()}::bigint)`,
      ),
    );
    // 12 credits used of 5: 7 past zero, whatever order the settlements ran in.
    expect(await available(wallet)).toBe(-7n * CREDIT);
    expect((await usage(wallet)).total).toBe(7n * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('settling and freezing by invoice', () => {
  it('a paid invoice settles the receivable once, even replayed 20 times at once', async () => {
    const carol = await createUser('Carol');
    const wallet = await walletOf({ userId: carol.id });
    await customer(wallet, 'cus_pp_carol');
    await setLimit(wallet, 30n * CREDIT);
    for (let i = 0; i < 5; i++) await spend(carol, wallet, 4n * CREDIT, `pp-carol-${i}`);
    expect(await available(wallet)).toBe(-20n * CREDIT);
    await markAllSent(wallet);
    // Usage after the invoice's period waits for the next invoice.
    const periodEnd = new Date(Date.now() + 1000);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await spend(carol, wallet, 1n * CREDIT, 'pp-carol-late');
    await markAllSent(wallet);

    const results = await Promise.all(
      Array.from(
        { length: 20 },
        () => clients<{ settled: bigint; replayed: boolean }[]>`
          select settled, replayed from public.postpaid_invoice_paid('in_pp_carol_1', 'cus_pp_carol',
            ${periodEnd})`,
      ),
    );
    const first = results.flat().filter((row) => !row.replayed);
    expect(first).toEqual([{ settled: 20n * CREDIT, replayed: false }]);
    expect(results.flat().every((row) => row.settled === 20n * CREDIT)).toBe(true);
    expect(await available(wallet)).toBe(-1n * CREDIT);
    expect(await usage(wallet)).toEqual({ n: 6, total: 21n * CREDIT, unsettled: 1n * CREDIT });
    const [receivable] = await db()<{ balance: bigint }[]>`
      select coalesce(sum(case when credit_account_id = a.id then amount else -amount end), 0)::bigint as balance
      from public.transfers t, public.accounts a
      where a.system_code = 'receivable:postpaid' and a.id in (t.debit_account_id, t.credit_account_id)
        and t.key_account_id = ${wallet}`;
    expect(receivable!.balance).toBe(-20n * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('an unpaid invoice freezes spending past zero until it is paid; credits bought meanwhile spend', async () => {
    const dave = await createUser('Dave');
    const wallet = await walletOf({ userId: dave.id });
    await customer(wallet, 'cus_pp_dave');
    await setLimit(wallet, 10n * CREDIT);
    await spend(dave, wallet, 6n * CREDIT, 'pp-dave-1');
    await markAllSent(wallet);

    const [failed] = await db()<{ frozen: boolean }[]>`
      select frozen from public.postpaid_invoice_failed('in_pp_dave_1', 'cus_pp_dave', now() + interval '1 hour')`;
    expect(failed!.frozen).toBe(true);
    const [line] = await db()<{ credit_limit: bigint; frozen: boolean; owed: bigint }[]>`
      select credit_limit, frozen, owed from public.postpaid_summary(${wallet})`;
    expect(line).toEqual({ credit_limit: 0n, frozen: true, owed: 6n * CREDIT });
    await expect(spend(dave, wallet, 1n * CREDIT, 'pp-dave-2')).rejects.toMatchObject({
      code: 'TG402',
    });
    const [note] = await db()<{ n: number }[]>`
      select count(*)::int as n from public.notifications
      where user_id = ${dave.id} and kind = 'billing.postpaid_frozen'`;
    expect(note!.n).toBe(1);

    // Credits bought meanwhile pay the negative part first, then spend as prepaid credits.
    await grant(wallet, 8n * CREDIT);
    await spend(dave, wallet, 2n * CREDIT, 'pp-dave-3');
    await expect(spend(dave, wallet, 1n * CREDIT, 'pp-dave-4')).rejects.toMatchObject({
      code: 'TG402',
    });
    expect(await ledgerCheck()).toEqual([]);

    const [paid] = await db()<{ settled: bigint }[]>`
      select settled from public.postpaid_invoice_paid('in_pp_dave_1', 'cus_pp_dave', now() + interval '1 hour')`;
    expect(paid!.settled).toBe(6n * CREDIT);
    const [after] = await db()<{ credit_limit: bigint; frozen: boolean; owed: bigint }[]>`
      select credit_limit, frozen, owed from public.postpaid_summary(${wallet})`;
    expect(after).toEqual({ credit_limit: 10n * CREDIT, frozen: false, owed: 0n });
    expect(await available(wallet)).toBe(6n * CREDIT);
    await spend(dave, wallet, 12n * CREDIT, 'pp-dave-5');
    expect(await available(wallet)).toBe(-6n * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('alerts on a credit line', () => {
  it('thresholds measure the line: 80 % of it in use raises one alert, the prepaid ones none', async () => {
    const gina = await createUser('Gina');
    const wallet = await walletOf({ userId: gina.id });
    await grant(wallet, 10n * CREDIT);
    await setLimit(wallet, 100n * CREDIT);
    await spend(gina, wallet, 9n * CREDIT, 'pp-gina-1'); // 90 % of the credits: no alert on a line
    await spend(gina, wallet, 80n * CREDIT, 'pp-gina-2'); // −79: 79 % of the line
    await spend(gina, wallet, 2n * CREDIT, 'pp-gina-3'); // −81: 80 % crossed
    await spend(gina, wallet, 1n * CREDIT, 'pp-gina-4');
    const alerts = await db()<{ kind: string; threshold: bigint }[]>`
      select kind, threshold from public.alerts where subject = ${'wallet:' + wallet} order by threshold`;
    expect(alerts).toEqual([{ kind: 'balance.threshold', threshold: 80n }]);
    const [note] = await db()<{ title: string }[]>`
      select title from public.notifications where user_id = ${gina.id} and kind = 'balance.threshold'`;
    expect(note!.title).toBe('You have used 80% of your credit line');
  });
});

describe('where the credit line comes from', () => {
  it("a plan's line applies to wallets on it; an admin's limit wins; both are audited", async () => {
    const owner = await createUser('Erin');
    const org = await createOrg(owner);
    const wallet = await walletOf({ orgId: org.id });
    await db()`select public.plan_set_postpaid_limit('enterprise', ${(25n * CREDIT).toString()}::bigint, 'Enterprise is postpaid')`;
    await subscribe('org', org.id, 'enterprise');
    const line = async () =>
      (
        await db()<
          { credit_limit: bigint }[]
        >`select credit_limit from public.accounts where id = ${wallet}`
      )[0]!.credit_limit;
    expect(await line()).toBe(25n * CREDIT);
    await setLimit(wallet, 100n * CREDIT);
    expect(await line()).toBe(100n * CREDIT);
    await setLimit(wallet, null);
    expect(await line()).toBe(25n * CREDIT);
    await db()`select public.plan_set_postpaid_limit('enterprise', null, 'Back to prepaid')`;
    expect(await line()).toBe(0n);
    const audit = await db()<{ action: string; reason: string }[]>`
      select action, reason from public.admin_audit_log
      where subject_id in (${org.id}, 'enterprise') order by id`;
    expect(audit.map((row) => row.action)).toEqual([
      'plan.credit_limit.set',
      'credit_limit.set',
      'credit_limit.set',
      'plan.credit_limit.set',
    ]);
  });

  it('refuses a missing reason and non-admins, and changes nothing', async () => {
    const frank = await createUser('Frank');
    const wallet = await walletOf({ userId: frank.id });
    await expect(
      db()`select * from public.admin_set_credit_limit(${wallet}, 5, '  ')`,
    ).rejects.toMatchObject({ code: 'TG422' });
    await expect(
      asClient(
        frank,
        (tx) => tx`select * from public.admin_set_credit_limit(${wallet}, 5, 'mine')`,
      ),
    ).rejects.toMatchObject({ code: 'TG403' });
    await expect(
      asClient(
        frank,
        (tx) =>
          tx`select * from public.admin_set_plan('user', ${frank.id}, 'enterprise', 'comped')`,
      ),
    ).rejects.toMatchObject({ code: 'TG403' });
    const [row] = await db()<{ credit_limit: bigint; override: bigint | null }[]>`
      select credit_limit, credit_limit_override as override from public.accounts where id = ${wallet}`;
    expect(row).toEqual({ credit_limit: 0n, override: null });
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { claimsFor, createOrg, createUser, db, outcome, type TestUser } from '../helpers/fixtures';
import {
  CREDIT,
  allowTestClock,
  asUser,
  available,
  grant,
  ledgerCheck,
  walletOf,
} from '../helpers/ledger';

/**
 * Per-member monthly limits on an org wallet, enforced on every debit (spends, holds, transfers):
 * they hold under 50 concurrent spends, holds count at reserve time and are corrected at settle
 * and void, a new month starts from zero, and personal wallets are untouched.
 */

const CLIENTS = 50;
let clients: postgres.Sql;
let owner: TestUser, admin: TestUser, limited: TestUser, free: TestUser;
let org: { id: string };
let orgWallet: string;

beforeAll(async () => {
  clients = postgres(process.env.DATABASE_URL!, {
    max: CLIENTS,
    onnotice: () => {},
    types: { bigint: postgres.BigInt },
  });
  owner = await createUser('Owner');
  admin = await createUser('Admin');
  limited = await createUser('Limited');
  free = await createUser('Free');
  org = await createOrg(owner, [
    { user: admin, role: 'admin' },
    { user: limited, role: 'member' },
    { user: free, role: 'member' },
  ]);
  orgWallet = await walletOf({ orgId: org.id });
  await grant(orgWallet, 1000n * CREDIT);
  await Promise.all(Array.from({ length: CLIENTS }, () => clients`select 1`));
  return () => clients.end();
});

const setLimit = (by: TestUser, user: TestUser, limit: bigint | null) =>
  asUser(
    by,
    (tx) =>
      tx`select public.org_set_member_limit(${org.id}, ${user.id}, ${limit === null ? null : limit.toString()}::bigint)`,
  );

const spendAs = (user: TestUser, amount: bigint, key: string, at?: Date) =>
  asUser(
    user,
    (tx) =>
      tx`select * from public.credit_spend(${orgWallet}, ${amount.toString()}::bigint, 'ai_usage', ${key})`,
    at,
  );

async function used(user: TestUser): Promise<bigint> {
  const [row] = await db()<{ used: bigint }[]>`
    select coalesce(sum(used), 0)::bigint as used from public.org_member_usage
    where account_id = ${orgWallet} and user_id = ${user.id}
      and month = date_trunc('month', now() at time zone 'UTC')::date`;
  return row!.used;
}

describe('member monthly limit', () => {
  it('holds under 50 concurrent spends: exactly the allowed number succeed', async () => {
    await setLimit(owner, limited, 10n * CREDIT);
    const before = await available(orgWallet);
    const results = await Promise.allSettled(
      Array.from({ length: CLIENTS }, (_, i) =>
        clients.begin(async (tx) => {
          await tx`select set_config('role', 'authenticated', true),
                          set_config('request.jwt.claims', ${JSON.stringify(claimsFor(limited.id))}, true)`;
          return tx`select * from public.credit_spend(${orgWallet}, ${CREDIT.toString()}::bigint, 'ai_usage', ${'race-' + i})`;
        }),
      ),
    );
    const codes = results.map((r) =>
      r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code,
    );
    expect(codes.filter((code) => code === 'ok')).toHaveLength(10);
    expect(codes.filter((code) => code === 'TG402')).toHaveLength(40);
    expect(await used(limited)).toBe(10n * CREDIT);
    expect(await available(orgWallet)).toBe(before - 10n * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('says what the limit is, what was used and what was needed', async () => {
    const error = await spendAs(limited, 2n * CREDIT, 'over').catch((caught: unknown) => caught);
    const { code, message, hint } = error as { code: string; message: string; hint: string };
    expect(code).toBe('TG402');
    expect(message).toContain('Member monthly limit reached');
    expect(JSON.parse(hint)).toMatchObject({
      reason: 'member_limit',
      limit: (10n * CREDIT).toString(),
      used: (10n * CREDIT).toString(),
      needed: (2n * CREDIT).toString(),
      available: '0',
    });
  });

  it('members without a limit, admins and personal wallets pay no counter', async () => {
    await spendAs(free, 50n * CREDIT, 'free-1');
    await spendAs(admin, 50n * CREDIT, 'admin-1');
    const personal = await walletOf({ userId: limited.id });
    await grant(personal, 5n * CREDIT);
    await asUser(
      limited,
      (tx) =>
        tx`select public.credit_spend(${personal}, ${CREDIT.toString()}::bigint, 'other', 'mine')`,
    );
    const rows = await db()`select user_id from public.org_member_usage`;
    expect(rows.map((row) => row.user_id)).toEqual([limited.id]);
  });

  it('holds count when placed and are corrected to actual usage at settle and void', async () => {
    await setLimit(admin, limited, 20n * CREDIT); // 10 used
    const reserve = (amount: bigint, key: string) =>
      asUser(limited, async (tx) => {
        const [hold] = await tx<{ hold_id: bigint }[]>`
          select hold_id from public.credit_reserve(${orgWallet}, ${amount.toString()}::bigint, 'ai_usage', ${key})`;
        return hold!.hold_id;
      });
    const first = await reserve(6n * CREDIT, 'h1');
    expect(await used(limited)).toBe(16n * CREDIT);
    expect(await outcome(() => reserve(5n * CREDIT, 'h2'))).toBe('TG402');
    await db()`select public.credit_settle(${first.toString()}::bigint, ${(2n * CREDIT).toString()}::bigint)`;
    expect(await used(limited)).toBe(12n * CREDIT);
    const second = await reserve(5n * CREDIT, 'h3');
    expect(await used(limited)).toBe(17n * CREDIT);
    await db()`select public.credit_void(${second.toString()}::bigint)`;
    expect(await used(limited)).toBe(12n * CREDIT);
    const [left] = await db()`select count(*)::int as n from public.org_member_holds`;
    expect(left!.n).toBe(0);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('a new month starts from zero; removing the limit lifts it', async () => {
    await allowTestClock();
    const now = new Date();
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2));
    expect(await outcome(() => spendAs(limited, 9n * CREDIT, 'this-month'))).toBe('TG402');
    expect(await outcome(() => spendAs(limited, 9n * CREDIT, 'next-month', nextMonth))).toBe('ok');
    await setLimit(owner, limited, null);
    expect(await outcome(() => spendAs(limited, 100n * CREDIT, 'unlimited'))).toBe('ok');
  });

  it('only owners and admins set limits; each member reads only their own', async () => {
    expect(await outcome(() => setLimit(free, limited, CREDIT))).toBe('TG403');
    const stranger = await createUser('Stranger');
    expect(await outcome(() => setLimit(stranger, limited, CREDIT))).toBe('TG404');
    await setLimit(owner, limited, 30n * CREDIT);
    // A limit set mid-month counts what the member already spent this month (50 here).
    await setLimit(owner, free, 40n * CREDIT);
    expect(await used(free)).toBe(50n * CREDIT);
    expect(await outcome(() => spendAs(free, CREDIT, 'free-over'))).toBe('TG402');
    const seenByFree = await asUser(free, (tx) => tx`select user_id from public.org_member_limits`);
    expect(seenByFree.map((row) => row.user_id)).toEqual([free.id]);
    const seenByAdmin = await asUser(
      admin,
      (tx) => tx`select user_id from public.org_member_limits`,
    );
    expect(seenByAdmin).toHaveLength(2);
    const overview = await asUser(
      free,
      (tx) => tx`select user_id, monthly_limit from public.org_members_overview(${org.id})`,
    );
    expect(overview.find((row) => row.user_id === free.id)!.monthly_limit).toBe(40n * CREDIT);
    expect(overview.find((row) => row.user_id === limited.id)!.monthly_limit).toBeNull();
  });

  it('org usage by member totals spends per person (admins only)', async () => {
    const from = new Date(Date.now() - 86_400_000);
    const to = new Date(Date.now() + 86_400_000);
    const rows = await asUser(
      admin,
      (tx) => tx`select user_id, spent from public.org_usage_by_member(${org.id}, ${from}, ${to})`,
    );
    const byUser = Object.fromEntries(
      rows.map((row) => [row.user_id as string, row.spent as bigint]),
    );
    expect(byUser[free.id]).toBe(50n * CREDIT);
    expect(byUser[admin.id]).toBe(50n * CREDIT);
    expect(byUser[limited.id]).toBe(10n * CREDIT + 2n * CREDIT + 100n * CREDIT);
    expect(
      await outcome(() =>
        asUser(
          free,
          (tx) => tx`select * from public.org_usage_by_member(${org.id}, ${from}, ${to})`,
        ),
      ),
    ).toBe('TG403');
  });
});

describe('every way money leaves an org wallet on a member’s behalf counts against their limit', () => {
  it('spends, holds and transfers out share one monthly limit, and past it each is refused', async () => {
    const boss = await createUser('Boss');
    const treasurer = await createUser('Treasurer');
    const team = await createOrg(boss, [{ user: treasurer, role: 'admin' }]);
    const wallet = await walletOf({ orgId: team.id });
    const personal = await walletOf({ userId: treasurer.id });
    await grant(wallet, 100n * CREDIT);
    await asUser(
      boss,
      (tx) =>
        tx`select public.org_set_member_limit(${team.id}, ${treasurer.id}, ${(3n * CREDIT).toString()}::bigint)`,
    );
    const usedBy = async () => {
      const [row] = await db()<{ used: bigint }[]>`
        select coalesce(sum(used), 0)::bigint as used from public.org_member_usage
        where account_id = ${wallet} and user_id = ${treasurer.id}`;
      return row!.used;
    };
    const paths = {
      spend: (key: string) =>
        asUser(
          treasurer,
          (tx) =>
            tx`select * from public.credit_spend(${wallet}, ${CREDIT.toString()}::bigint, 'ai_usage', ${key})`,
        ),
      hold: (key: string) =>
        asUser(
          treasurer,
          (tx) =>
            tx`select * from public.credit_reserve(${wallet}, ${CREDIT.toString()}::bigint, 'ai_usage', ${key})`,
        ),
      transfer: (key: string) =>
        asUser(
          treasurer,
          (tx) =>
            tx`select * from public.credit_transfer(${wallet}, ${personal}, ${CREDIT.toString()}::bigint, ${key})`,
        ),
    };

    // One credit through each path: all three count, up to the limit of 3.
    for (const [name, run] of Object.entries(paths)) {
      expect(await outcome(() => run(`first-${name}`)), name).toBe('ok');
    }
    expect(await usedBy()).toBe(3n * CREDIT);
    const before = await available(wallet);
    const personalBefore = await available(personal);

    // Past the limit, every path is refused and moves nothing.
    for (const [name, run] of Object.entries(paths)) {
      expect(await outcome(() => run(`second-${name}`)), name).toBe('TG402');
    }
    expect(await available(wallet)).toBe(before);
    expect(await available(personal)).toBe(personalBefore);
    expect(await usedBy()).toBe(3n * CREDIT);

    // The owner, without a limit, still moves credits freely.
    expect(
      await outcome(() =>
        asUser(
          boss,
          (tx) =>
            tx`select * from public.credit_transfer(${wallet}, ${personal}, ${(5n * CREDIT).toString()}::bigint, 'owner-move')`,
        ),
      ),
    ).toBe('ok');
    expect(await ledgerCheck()).toEqual([]);
  });
});

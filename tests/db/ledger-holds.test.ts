import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUser, db, type TestUser } from '../helpers/fixtures';
import {
  CREDIT,
  allowTestClock,
  asUser,
  available,
  clocked,
  grant,
  ledgerCheck,
  walletOf,
} from '../helpers/ledger';

/** Two-phase spending: reserve → settle (under, at, over the hold) or void, and expiry. */

let user: TestUser;
let wallet: string;

beforeAll(async () => {
  await allowTestClock();
});

beforeEach(async () => {
  user = await createUser('Holder');
  wallet = await walletOf({ userId: user.id });
  await grant(wallet, 100n * CREDIT);
});

async function reserve(amount: bigint, key: string, ttl = 60, at?: Date) {
  const [row] = await asUser(
    user,
    (tx) => tx<{ hold_id: bigint; available: bigint }[]>`
    select hold_id, available from public.credit_reserve(${wallet}, ${amount.toString()}::bigint, 'ai_usage', ${key}, ${ttl})`,
    at,
  );
  return row!;
}

/** Settling is trusted work (the gateway, as the service), here with an optional test clock. */
async function settle(hold: bigint, actual: bigint, at?: Date) {
  const [row] = await clocked(
    at,
    (tx) => tx<
      {
        posted: bigint;
        released: bigint;
        shortfall: bigint;
        available: bigint;
        replayed: boolean;
      }[]
    >`
    select posted, released, shortfall, available, replayed from public.credit_settle(${hold.toString()}::bigint, ${actual.toString()}::bigint)`,
  );
  return row!;
}

describe('settle', () => {
  it('under the hold: posts the actual amount and releases the rest at once', async () => {
    const { hold_id, available: during } = await reserve(10n * CREDIT, 'h1');
    expect(during).toBe(90n * CREDIT);
    expect(await settle(hold_id, 4n * CREDIT)).toEqual({
      posted: 4n * CREDIT,
      released: 6n * CREDIT,
      shortfall: 0n,
      available: 96n * CREDIT,
      replayed: false,
    });
    expect(await ledgerCheck()).toEqual([]);
  });

  it('at the hold: posts it all', async () => {
    const { hold_id } = await reserve(10n * CREDIT, 'h2');
    expect(await settle(hold_id, 10n * CREDIT)).toMatchObject({
      posted: 10n * CREDIT,
      released: 0n,
      shortfall: 0n,
      available: 90n * CREDIT,
    });
  });

  it('over the hold: charges the hold plus what else is available, and records the shortfall', async () => {
    const { hold_id } = await reserve(10n * CREDIT, 'h3');
    await asUser(
      user,
      (tx) =>
        tx`select public.credit_spend(${wallet}, ${(85n * CREDIT).toString()}::bigint, 'other', 'drain')`,
    );
    // 5 credits left besides the hold; the call really used 30.
    expect(await settle(hold_id, 30n * CREDIT)).toMatchObject({
      posted: 15n * CREDIT,
      shortfall: 15n * CREDIT,
      available: 0n,
    });
    const [hold] =
      await db()`select status, requested_amount, posted_amount, shortfall from public.holds where id = ${hold_id.toString()}`;
    expect(hold).toEqual({
      status: 'posted',
      requested_amount: 30n * CREDIT,
      posted_amount: 15n * CREDIT,
      shortfall: 15n * CREDIT,
    });
    expect(await ledgerCheck()).toEqual([]);
  });

  it('zero actual usage charges nothing and releases everything', async () => {
    const { hold_id } = await reserve(10n * CREDIT, 'h4');
    expect(await settle(hold_id, 0n)).toMatchObject({
      posted: 0n,
      released: 10n * CREDIT,
      available: 100n * CREDIT,
    });
    const [row] =
      await db()`select count(*)::int as n from public.transfers where hold_id = ${hold_id.toString()}`;
    expect(row!.n).toBe(0);
  });

  it('a retry with the same amount replays; another amount is a conflict', async () => {
    const { hold_id } = await reserve(10n * CREDIT, 'h5');
    await settle(hold_id, 3n * CREDIT);
    expect(await settle(hold_id, 3n * CREDIT)).toMatchObject({
      posted: 3n * CREDIT,
      replayed: true,
      available: 97n * CREDIT,
    });
    await expect(settle(hold_id, 4n * CREDIT)).rejects.toMatchObject({ code: 'TG409' });
    expect(await available(wallet)).toBe(97n * CREDIT);
  });
});

describe('void', () => {
  it('releases the hold in full, once', async () => {
    const { hold_id } = await reserve(25n * CREDIT, 'v1');
    const [first] = await db()`
      select released, replayed from public.credit_void(${hold_id.toString()}::bigint)`;
    expect(first).toEqual({ released: 25n * CREDIT, replayed: false });
    const [again] = await db()`
      select released, replayed from public.credit_void(${hold_id.toString()}::bigint)`;
    expect(again).toEqual({ released: 0n, replayed: true });
    expect(await available(wallet)).toBe(100n * CREDIT);
    await expect(settle(hold_id, 1n)).rejects.toMatchObject({ code: 'TG409' });
    expect(await ledgerCheck()).toEqual([]);
  });

  it('a settled hold can no longer be voided', async () => {
    const { hold_id } = await reserve(5n * CREDIT, 'v2');
    await settle(hold_id, 5n * CREDIT);
    await expect(
      db()`select public.credit_void(${hold_id.toString()}::bigint)`.then((rows) => rows),
    ).rejects.toMatchObject({ code: 'TG409' });
  });
});

describe('expiry', () => {
  it('an abandoned hold stops counting at its expiry, before and after maintenance', async () => {
    const start = new Date();
    const { hold_id } = await reserve(40n * CREDIT, 'e1', 60, start);
    const before = new Date(start.getTime() + 59_000);
    const after = new Date(start.getTime() + 61_000);
    expect(await available(wallet, before)).toBe(60n * CREDIT);
    expect(await available(wallet, after)).toBe(100n * CREDIT); // no sweep has run

    // A spend after expiry may use the freed credits, sweeping the wallet as it goes.
    await asUser(
      user,
      (tx) =>
        tx`select public.credit_spend(${wallet}, ${(100n * CREDIT).toString()}::bigint, 'other', 'after-expiry')`,
      after,
    );
    const [hold] = await db()`select status from public.holds where id = ${hold_id.toString()}`;
    expect(hold!.status).toBe('expired');
    expect(await ledgerCheck()).toEqual([]);
  });

  it('maintenance expires due holds and leaves the books balanced', async () => {
    const start = new Date();
    await reserve(30n * CREDIT, 'e2', 10, start);
    await reserve(20n * CREDIT, 'e3', 3600, start);
    const later = new Date(start.getTime() + 60_000);
    const [swept] = await clocked(later, (tx) => tx`select * from public.credit_maintenance()`);
    expect(swept).toMatchObject({ holds_expired: 1 });
    expect(await available(wallet, later)).toBe(80n * CREDIT);
    const [account] = await db()`select debits_pending from public.accounts where id = ${wallet}`;
    expect(account!.debits_pending).toBe(20n * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('settling after expiry still charges the real usage from what is available', async () => {
    const start = new Date();
    const { hold_id } = await reserve(10n * CREDIT, 'e4', 5, start);
    const late = new Date(start.getTime() + 30_000);
    expect(await settle(hold_id, 7n * CREDIT, late)).toMatchObject({
      posted: 7n * CREDIT,
      shortfall: 0n,
      available: 93n * CREDIT,
    });
    expect(await ledgerCheck()).toEqual([]);
  });
});

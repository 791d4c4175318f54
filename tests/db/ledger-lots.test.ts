import { beforeAll, describe, expect, it } from 'vitest';
import { createOrg, createUser, db } from '../helpers/fixtures';
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

/** Lots: burn order, expiry into the expired account, transfers that keep expiry, refunds. */

const DAY = 86_400_000;

beforeAll(async () => {
  await allowTestClock();
});

/** Lots as the wallet's owner sees them (spends burn lazily; this is what they hold now). */
async function lotsOf(wallet: string) {
  return db()<{ source: string; remaining: bigint; live: boolean }[]>`
    select source, remaining, live from public.credit_lots(${wallet}) order by id`;
}

describe('burn order', () => {
  it('burns by priority, then soonest expiry, then oldest', async () => {
    const user = await createUser('Burner');
    const wallet = await walletOf({ userId: user.id });
    const now = Date.now();
    await grant(wallet, 10n * CREDIT, { source: 'purchase' }); // priority 0, never expires
    await grant(wallet, 10n * CREDIT, { source: 'promo', expiresAt: new Date(now + 20 * DAY) }); // 20
    await grant(wallet, 10n * CREDIT, { source: 'promo', expiresAt: new Date(now + 5 * DAY) }); // 20, sooner
    await grant(wallet, 10n * CREDIT, { source: 'plan', expiresAt: new Date(now + 30 * DAY) }); // 30
    await grant(wallet, 10n * CREDIT, { source: 'purchase' }); // 0, newer

    await asUser(
      user,
      (tx) =>
        tx`select public.credit_spend(${wallet}, ${(25n * CREDIT).toString()}::bigint, 'ai_usage', 'burn-1')`,
    );
    // Plan (priority 30) first, then the promo expiring sooner, then the later promo.
    expect((await lotsOf(wallet)).map((lot) => lot.remaining)).toEqual(
      [10n, 5n, 0n, 0n, 10n].map((n) => n * CREDIT),
    );

    await asUser(
      user,
      (tx) =>
        tx`select public.credit_spend(${wallet}, ${(12n * CREDIT).toString()}::bigint, 'ai_usage', 'burn-2')`,
    );
    // The remaining promo goes first, then the older purchase.
    expect((await lotsOf(wallet)).map((lot) => lot.remaining)).toEqual([
      3n * CREDIT,
      0n,
      0n,
      0n,
      10n * CREDIT,
    ]);

    // A grant first burns what earlier spends owe, in burn order, before its lot joins.
    await grant(wallet, 1n * CREDIT, { source: 'plan', expiresAt: new Date(now + DAY) });
    const burns = await db()`select lot_id, amount from public.lot_burns order by lot_id`;
    expect(burns.map((row) => [Number(row.lot_id), row.amount])).toEqual([
      [1, 7n * CREDIT],
      [2, 10n * CREDIT],
      [3, 10n * CREDIT],
      [4, 10n * CREDIT],
    ]);
    expect((await lotsOf(wallet)).map((lot) => lot.remaining)).toEqual(
      [3n, 0n, 0n, 0n, 10n, 1n].map((n) => n * CREDIT),
    );
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('expiry of lots', () => {
  it('moves the unspent remainder to the expired account by transfer', async () => {
    const user = await createUser('Expiring');
    const wallet = await walletOf({ userId: user.id });
    const now = new Date();
    await grant(wallet, 10n * CREDIT, {
      source: 'promo',
      expiresAt: new Date(now.getTime() + DAY),
    });
    await grant(wallet, 5n * CREDIT, { source: 'purchase' });
    await asUser(
      user,
      (tx) =>
        tx`select public.credit_spend(${wallet}, ${(4n * CREDIT).toString()}::bigint, 'ai_usage', 'before-expiry')`,
    );

    const later = new Date(now.getTime() + 2 * DAY);
    expect(await available(wallet, later)).toBe(5n * CREDIT); // already, with no sweep
    const [result] = await clocked(later, (tx) => tx`select * from public.credit_maintenance()`);
    expect(result!.lots_expired).toBeGreaterThanOrEqual(1); // other tests' lots may expire too

    const [expire] = await db()`
      select t.amount, a.system_code from public.transfers t join public.accounts a on a.id = t.credit_account_id
      where t.debit_account_id = ${wallet} and t.kind = 'expire'`;
    expect(expire).toEqual({ amount: 6n * CREDIT, system_code: 'expired' });
    const lots =
      await db()`select remaining, expired_at from public.lots where account_id = ${wallet} order by id`;
    expect(lots).toEqual([
      { remaining: 0n, expired_at: later },
      { remaining: 5n * CREDIT, expired_at: null },
    ]);
    expect(await available(wallet, later)).toBe(5n * CREDIT);

    // Running maintenance again changes nothing.
    const [again] = await clocked(later, (tx) => tx`select * from public.credit_maintenance()`);
    expect(again).toMatchObject({ lots_expired: 0, holds_expired: 0 });
    expect(await ledgerCheck()).toEqual([]);
  });

  it('a spend refuses credits that have expired, even before the sweep', async () => {
    const user = await createUser('Late');
    const wallet = await walletOf({ userId: user.id });
    const now = new Date();
    await grant(wallet, 10n * CREDIT, {
      source: 'promo',
      expiresAt: new Date(now.getTime() + DAY),
    });
    const later = new Date(now.getTime() + 2 * DAY);
    const refused = await asUser(
      user,
      (tx) => tx`select public.credit_spend(${wallet}, 1, 'ai_usage', 'too-late')`,
      later,
    ).catch((error: { code: string; hint: string }) => error);
    expect(refused).toMatchObject({ code: 'TG402' });
    expect(JSON.parse((refused as { hint: string }).hint)).toMatchObject({
      needed: '1',
      available: '0',
    });
    expect(await ledgerCheck()).toEqual([]);
  });

  it('grant + spend + hold + expire leaves the books balanced', async () => {
    const user = await createUser('Mixed');
    const wallet = await walletOf({ userId: user.id });
    const now = new Date();
    await grant(wallet, 50n * CREDIT, { source: 'plan', expiresAt: new Date(now.getTime() + DAY) });
    await grant(wallet, 20n * CREDIT, { source: 'purchase' });
    const [hold] = await asUser(
      user,
      (tx) =>
        tx`select hold_id from public.credit_reserve(${wallet}, ${(45n * CREDIT).toString()}::bigint, 'ai_usage', 'big-hold', 3600)`,
    );
    const later = new Date(now.getTime() + 2 * DAY);
    // The plan lot expired while reserved; settling charges only from live credits.
    const [settled] = await clocked(
      later,
      (tx) =>
        tx`select posted, shortfall from public.credit_settle(${hold!.hold_id}, ${(30n * CREDIT).toString()}::bigint)`,
    );
    expect(settled).toEqual({ posted: 20n * CREDIT, shortfall: 10n * CREDIT });
    expect(await available(wallet, later)).toBe(0n);
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('transfers between wallets', () => {
  it('personal → org keeps expiry; org admin → member; a plain member cannot pay out', async () => {
    const owner = await createUser('Owner');
    const member = await createUser('Member');
    const org = await createOrg(owner, [{ user: member, role: 'member' }]);
    const [mine, orgWallet, theirs] = [
      await walletOf({ userId: owner.id }),
      await walletOf({ orgId: org.id }),
      await walletOf({ userId: member.id }),
    ];
    const expiry = new Date(Date.now() + 10 * DAY);
    await grant(mine, 8n * CREDIT, { source: 'promo', expiresAt: expiry });

    await asUser(
      owner,
      (tx) =>
        tx`select public.credit_transfer(${mine}, ${orgWallet}, ${(6n * CREDIT).toString()}::bigint, 'to-org')`,
    );
    const [arrived] =
      await db()`select source, amount, expires_at from public.lots where account_id = ${orgWallet}`;
    expect(arrived).toEqual({ source: 'transfer', amount: 6n * CREDIT, expires_at: expiry });

    await asUser(
      owner,
      (tx) =>
        tx`select public.credit_transfer(${orgWallet}, ${theirs}, ${(2n * CREDIT).toString()}::bigint, 'to-member')`,
    );
    expect(await available(theirs)).toBe(2n * CREDIT);

    await expect(
      asUser(
        member,
        (tx) => tx`select public.credit_transfer(${orgWallet}, ${theirs}, 1, 'steal')`,
      ),
    ).rejects.toMatchObject({ code: 'TG403' });
    await expect(
      asUser(member, (tx) => tx`select public.credit_transfer(${theirs}, ${mine}, 1, 'to-person')`),
    ).rejects.toMatchObject({ code: 'TG403' });
    expect([await available(mine), await available(orgWallet), await available(theirs)]).toEqual([
      2n * CREDIT,
      4n * CREDIT,
      2n * CREDIT,
    ]);
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('refunds', () => {
  it('returns part then the rest of a spend, never more than was spent', async () => {
    const user = await createUser('Refunded');
    const wallet = await walletOf({ userId: user.id });
    await grant(wallet, 10n * CREDIT);
    const [spend] = await asUser(
      user,
      (tx) =>
        tx`select transfer_id from public.credit_spend(${wallet}, ${(6n * CREDIT).toString()}::bigint, 'ai_usage', 'to-refund')`,
    );
    const id = spend!.transfer_id as bigint;

    await expect(
      asUser(
        user,
        (tx) => tx`select public.credit_refund(${id.toString()}::bigint, 1, 'self-refund')`,
      ),
    ).rejects.toMatchObject({ code: 'TG403' });
    await clocked(
      undefined,
      (tx) =>
        tx`select public.credit_refund(${id.toString()}::bigint, ${(2n * CREDIT).toString()}::bigint, 'r1', 'Bad answer')`,
    );
    await clocked(
      undefined,
      (tx) =>
        tx`select public.credit_refund(${id.toString()}::bigint, ${(4n * CREDIT).toString()}::bigint, 'r2')`,
    );
    await expect(
      clocked(
        undefined,
        (tx) => tx`select public.credit_refund(${id.toString()}::bigint, 1, 'r3')`,
      ),
    ).rejects.toMatchObject({ code: 'TG422' });
    expect(await available(wallet)).toBe(10n * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });
});

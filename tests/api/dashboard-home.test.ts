import { beforeAll, describe, expect, it } from 'vitest';
import { getHomeOverview } from '../../lib/credits';
import { createOrg, createUser, db, type TestUser } from '../helpers/fixtures';
import { CREDIT, allowTestClock, clocked, grant, walletOf } from '../helpers/ledger';

/**
 * The dashboard home reads, under the viewer's RLS, the personal wallet and every org wallet they
 * manage, with this and last month's spend, the latest movements and this month's alerts.
 */

let owner: TestUser, member: TestUser, stranger: TestUser;
let orgId: string, personal: string, orgWallet: string, strangerWallet: string;
let spends = 0;

async function spend(wallet: string, amount: bigint, at?: Date) {
  spends += 1;
  await clocked(
    at,
    (tx) => tx`
    select * from public.credit_spend(${wallet}, ${amount.toString()}::bigint, 'ai_usage',
      ${`home-spend-${spends}`}, ${`Spend ${spends}`})`,
  );
}

beforeAll(async () => {
  await allowTestClock();
  [owner, member, stranger] = await Promise.all([
    createUser('Home Owner'),
    createUser('Home Member'),
    createUser('Home Stranger'),
  ]);
  ({ id: orgId } = await createOrg(owner, [{ user: member, role: 'member' }]));
  personal = await walletOf({ userId: owner.id });
  orgWallet = await walletOf({ orgId });
  strangerWallet = await walletOf({ userId: stranger.id });
  await grant(personal, 50n * CREDIT);
  await grant(orgWallet, 200n * CREDIT);
  await grant(strangerWallet, 9n * CREDIT);
  const now = new Date();
  const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15));
  await spend(orgWallet, 30n * CREDIT, lastMonth);
  await spend(orgWallet, 12n * CREDIT);
  await spend(personal, 5n * CREDIT);
  await spend(strangerWallet, 1n * CREDIT);
});

describe('dashboard home overview', () => {
  it('shows an owner both wallets with balances and this month against last', async () => {
    const overview = await getHomeOverview(owner.session);
    expect(
      overview.wallets.map((wallet) => ({
        kind: wallet.kind,
        orgId: wallet.orgId,
        role: wallet.role,
        available: wallet.available,
        thisMonth: wallet.spentThisMonth,
        lastMonth: wallet.spentLastMonth,
      })),
    ).toEqual([
      {
        kind: 'personal',
        orgId: null,
        role: null,
        available: 45n * CREDIT,
        thisMonth: 5n * CREDIT,
        lastMonth: 0n,
      },
      {
        kind: 'org',
        orgId,
        role: 'owner',
        available: 158n * CREDIT,
        thisMonth: 12n * CREDIT,
        lastMonth: 30n * CREDIT,
      },
    ]);
    // Latest first, from both wallets, never anyone else's.
    const activity = overview.activity;
    expect(activity[0]).toMatchObject({
      walletId: personal,
      direction: 'debit',
      amount: 5n * CREDIT,
    });
    expect(new Set(activity.map((item) => item.walletId))).toEqual(new Set([personal, orgWallet]));
    expect(activity.length).toBeLessThanOrEqual(6);
  });

  it('a plain member sees only their personal wallet', async () => {
    const overview = await getHomeOverview(member.session);
    expect(overview.wallets.map((wallet) => wallet.kind)).toEqual(['personal']);
    expect(overview.activity).toEqual([]);
  });

  it('lists this month’s alerts of the wallets shown', async () => {
    await db()`
      insert into public.alerts (org_id, account_id, subject, kind, threshold, period_start)
      values (${orgId}, ${orgWallet}, ${`wallet:${orgWallet}`}, 'balance.low', ${(10n * CREDIT).toString()}, now())`;
    const ownerView = await getHomeOverview(owner.session);
    expect(ownerView.alerts).toEqual([
      expect.objectContaining({
        kind: 'balance.low',
        walletId: orgWallet,
        threshold: 10n * CREDIT,
      }),
    ]);
    expect((await getHomeOverview(member.session)).alerts).toEqual([]);
  });
});

import { beforeAll, expect, it } from 'vitest';
import { GET as pulse } from '../../app/api/credits/pulse/route';
import { createOrg, createUser, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, grant, walletOf } from '../helpers/ledger';

/**
 * The wallet fingerprints open pages poll: one per wallet the caller spends from, changed by any
 * movement (also one made by someone else), and nobody else's wallets.
 */

let owner: TestUser, member: TestUser, stranger: TestUser;

beforeAll(async () => {
  [owner, member, stranger] = await Promise.all([
    createUser('Pulse owner'),
    createUser('Pulse member'),
    createUser('Pulse stranger'),
  ]);
});

async function wallets(user?: TestUser) {
  const response = await pulse(await request('/api/credits/pulse', { user }));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

it('changes for the wallet money moved in, for everyone who reads it, and only for it', async () => {
  const org = await createOrg(owner, [{ user: member, role: 'member' }]);
  const before = (await wallets(member)).body.wallets as Record<string, string>;
  expect(Object.keys(before).sort()).toEqual([`org:${org.id}`, 'personal']);
  const ownerBefore = (await wallets(owner)).body.wallets as Record<string, string>;

  // Someone else (a platform grant here) moves money into the org wallet.
  await grant(await walletOf({ orgId: org.id }), 5n * CREDIT, { source: 'admin' });
  const after = (await wallets(member)).body.wallets as Record<string, string>;
  expect(after[`org:${org.id}`]).not.toBe(before[`org:${org.id}`]);
  expect(after.personal).toBe(before.personal);
  const ownerAfter = (await wallets(owner)).body.wallets as Record<string, string>;
  expect(ownerAfter[`org:${org.id}`]).toBe(after[`org:${org.id}`]);
  expect(ownerAfter.personal).toBe(ownerBefore.personal);

  // A grant into the member's own wallet changes their personal fingerprint only.
  await grant(await walletOf({ userId: member.id }), CREDIT);
  const again = (await wallets(member)).body.wallets as Record<string, string>;
  expect(again.personal).not.toBe(after.personal);
  expect(again[`org:${org.id}`]).toBe(after[`org:${org.id}`]);

  // A stranger reads only their own wallet; without a session it is 401.
  expect(Object.keys((await wallets(stranger)).body.wallets as object)).toEqual(['personal']);
  const anonymous = await wallets();
  expect(anonymous.status).toBe(401);
});

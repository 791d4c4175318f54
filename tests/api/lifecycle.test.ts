import { beforeAll, describe, expect, it } from 'vitest';
import { DELETE as deleteOrg, PATCH as renameOrg } from '../../app/api/orgs/[orgId]/route';
import { POST as handOver } from '../../app/api/orgs/[orgId]/ownership/route';
import { DELETE as deleteMe, GET as me } from '../../app/api/me/route';
import { GET as exportMe } from '../../app/api/me/export/route';
import { POST as transfer } from '../../app/api/credits/transfer/route';
import {
  createOrg,
  createUser,
  db,
  request,
  routeParams,
  type TestUser,
} from '../helpers/fixtures';
import { CREDIT, available, grant, ledgerCheck, walletOf } from '../helpers/ledger';

/**
 * The life of an org and an account: rename, hand over, delete (409 while money or a sole owner
 * stands in the way, with nothing changed), export my data, delete my account.
 */

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

const orgRow = async (orgId: string) =>
  (await db()`select name, slug, deleted_at from public.organizations where id = ${orgId}`)[0] as {
    name: string;
    slug: string;
    deleted_at: Date | null;
  };

const roles = async (orgId: string) =>
  Object.fromEntries(
    (
      await db()<{ user_id: string; role: string }[]>`
        select user_id, role from public.organization_members where org_id = ${orgId}`
    ).map((row) => [row.user_id, row.role]),
  );

const rename = async (user: TestUser, orgId: string, body: unknown) =>
  renameOrg(
    await request(`/api/orgs/${orgId}`, { method: 'PATCH', user, body }),
    routeParams({ orgId }),
  );
const remove = async (user: TestUser, orgId: string) =>
  deleteOrg(
    await request(`/api/orgs/${orgId}`, { method: 'DELETE', user }),
    routeParams({ orgId }),
  );
const giveTo = async (user: TestUser, orgId: string, userId: string) =>
  handOver(
    await request(`/api/orgs/${orgId}/ownership`, { user, body: { userId } }),
    routeParams({ orgId }),
  );
const deleteAccount = async (user: TestUser, confirm = 'delete my account') =>
  deleteMe(await request('/api/me', { method: 'DELETE', user, body: { confirm } }));

let owner: TestUser, admin: TestUser, member: TestUser, stranger: TestUser;

beforeAll(async () => {
  [owner, admin, member, stranger] = await Promise.all([
    createUser('Owner'),
    createUser('Admin'),
    createUser('Member'),
    createUser('Stranger'),
  ]);
});

describe('rename', () => {
  it('owners and admins rename; members and strangers cannot; bad names are 422', async () => {
    const org = await createOrg(owner, [
      { user: admin, role: 'admin' },
      { user: member, role: 'member' },
    ]);
    expect((await rename(admin, org.id, { name: '  Acme Research  ' })).status).toBe(200);
    expect(await orgRow(org.id)).toMatchObject({ name: 'Acme Research', slug: org.slug });

    expect((await rename(member, org.id, { name: 'Mine now' })).status).toBe(403);
    expect((await rename(stranger, org.id, { name: 'Mine now' })).status).toBe(404);
    const blank = await rename(owner, org.id, { name: '   ' });
    expect(blank.status).toBe(422);
    expect(blank.headers.get('content-type')).toContain('application/problem+json');
    expect((await rename(owner, org.id, { name: 'x'.repeat(81) })).status).toBe(422);
    expect((await orgRow(org.id)).name).toBe('Acme Research');
  });
});

describe('transfer ownership', () => {
  it('an owner hands over to a member and becomes admin; others are refused', async () => {
    const org = await createOrg(owner, [
      { user: admin, role: 'admin' },
      { user: member, role: 'member' },
    ]);
    expect((await giveTo(admin, org.id, member.id)).status).toBe(403);
    expect((await giveTo(owner, org.id, stranger.id)).status).toBe(404);
    expect((await giveTo(owner, org.id, owner.id)).status).toBe(422);
    expect(await roles(org.id)).toEqual({
      [owner.id]: 'owner',
      [admin.id]: 'admin',
      [member.id]: 'member',
    });

    expect((await giveTo(owner, org.id, member.id)).status).toBe(200);
    expect(await roles(org.id)).toEqual({
      [owner.id]: 'admin',
      [admin.id]: 'admin',
      [member.id]: 'owner',
    });
  });
});

describe('delete an organization', () => {
  it('is refused with 409 and the reason while the wallet holds credits; nothing changes', async () => {
    const org = await createOrg(owner, [{ user: admin, role: 'admin' }]);
    const wallet = await walletOf({ orgId: org.id });
    await grant(wallet, 3n * CREDIT);

    expect((await remove(admin, org.id)).status).toBe(403);
    const refused = await remove(owner, org.id);
    expect(refused.status).toBe(409);
    const problem = await json(refused);
    expect(problem).toMatchObject({
      code: 'conflict',
      reason: 'wallet_not_empty',
      available: '3000000',
    });
    expect(String(problem.detail)).toContain('3');
    expect(await orgRow(org.id)).toMatchObject({ slug: org.slug, deleted_at: null });
    expect(Object.keys(await roles(org.id))).toHaveLength(2);
    expect(await available(wallet)).toBe(3n * CREDIT);

    // Once the money is moved to a member's wallet, the owner deletes it.
    const moved = await transfer(
      await request('/api/credits/transfer', {
        user: owner,
        body: {
          from: { orgId: org.id },
          to: { userId: owner.id },
          amount: (3n * CREDIT).toString(),
        },
        headers: { 'idempotency-key': `empty-${org.id}` },
      }),
    );
    expect(moved.status).toBe(200);
    expect((await remove(owner, org.id)).status).toBe(200);

    const row = await orgRow(org.id);
    expect(row.deleted_at).not.toBeNull();
    expect(row.slug).not.toBe(org.slug);
    expect(await roles(org.id)).toEqual({});
    const [frozen] = await db()`select frozen_at from public.accounts where id = ${wallet}`;
    expect(frozen!.frozen_at).not.toBeNull();
    // The address is free again, and the ledger still explains every credit.
    await createOrg(owner);
    expect(await ledgerCheck()).toEqual([]);
    const viewer = await json(await me(await request('/api/me', { user: admin })));
    expect(viewer.orgs).not.toContainEqual(expect.objectContaining({ id: org.id }));
  });
});

describe('delete an organization that owes', () => {
  it('is refused with 409 naming what the pay-as-you-go wallet owes; nothing changes', async () => {
    const org = await createOrg(owner);
    const wallet = await walletOf({ orgId: org.id });
    await db()`select public.admin_set_credit_limit(${wallet}, ${(50n * CREDIT).toString()}::bigint,
      'Pay-as-you-go pilot')`;
    await grant(wallet, 2n * CREDIT);
    await db()`select public.credit_spend(${wallet}, ${(7n * CREDIT).toString()}::bigint, 'ai_usage',
      ${`owes-${org.id}`}, 'Usage on the credit line')`;
    expect(await available(wallet)).toBe(-5n * CREDIT);

    const refused = await remove(owner, org.id);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const problem = await json(refused);
    expect(problem).toMatchObject({
      status: 409,
      code: 'conflict',
      reason: 'wallet_owes',
      owed: '5000000',
      available: '-5000000',
    });
    expect(problem.detail).toBe(
      'The organization wallet owes 5.00 credits on pay-as-you-go. Settle that first (buy credits to cover it, or pay the invoice that bills it), then delete the organization.',
    );
    expect(String(problem.detail)).not.toContain('holds');
    expect(await orgRow(org.id)).toMatchObject({ slug: org.slug, deleted_at: null });
    expect(await roles(org.id)).toEqual({ [owner.id]: 'owner' });
    const [row] = await db()`select frozen_at from public.accounts where id = ${wallet}`;
    expect(row!.frozen_at).toBeNull();
    expect(await available(wallet)).toBe(-5n * CREDIT);

    // Once credits cover what it owes and the wallet is back at zero, the owner deletes it.
    await grant(wallet, 5n * CREDIT);
    expect((await remove(owner, org.id)).status).toBe(200);
    expect((await orgRow(org.id)).deleted_at).not.toBeNull();
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('export my data', () => {
  it("contains the user's profile, memberships, wallet history and chats, and nobody else's", async () => {
    const alice = await createUser('Alice Export');
    const bob = await createUser('Bob Export');
    const org = await createOrg(alice, [{ user: bob, role: 'member' }]);
    await grant(await walletOf({ userId: alice.id }), 5n * CREDIT);
    await grant(await walletOf({ userId: bob.id }), 7n * CREDIT);
    for (const [user, title] of [
      [alice, 'Alice chat'],
      [bob, 'Bob chat'],
    ] as const) {
      const [conversation] = await db()<{ id: string }[]>`
        insert into public.conversations (user_id, title) values (${user.id}, ${title}) returning id`;
      await db()`insert into public.conversation_messages (conversation_id, role, content)
        values (${conversation!.id}, 'user', ${`hello from ${title}`})`;
    }

    const response = await exportMe(await request('/api/me/export', { user: alice }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.json"/);
    const text = await response.text();
    const data = JSON.parse(text) as {
      profile: { id: string; email: string };
      memberships: { org_id: string; role: string }[];
      walletHistory: { amount: string; direction: string }[];
      conversations: { title: string; messages: { content: string }[] }[];
    };
    expect(data.profile).toMatchObject({ id: alice.id, email: alice.email });
    expect(data.memberships).toEqual([expect.objectContaining({ org_id: org.id, role: 'owner' })]);
    expect(data.walletHistory).toEqual([
      expect.objectContaining({ amount: '5000000', direction: 'credit' }),
    ]);
    expect(data.conversations.map((c) => c.title)).toEqual(['Alice chat']);
    expect(data.conversations[0]!.messages[0]!.content).toBe('hello from Alice chat');
    expect(text).not.toContain(bob.id);
    expect(text).not.toContain(bob.email);
    expect(text).not.toContain('Bob chat');

    expect((await exportMe(await request('/api/me/export'))).status).toBe(401);
  });
});

describe('delete my account', () => {
  it('is refused with 409 for the sole owner of an org, and nothing changes', async () => {
    const solo = await createUser('Solo Owner');
    const org = await createOrg(solo, [{ user: member, role: 'member' }]);
    const refused = await deleteAccount(solo);
    expect(refused.status).toBe(409);
    const problem = await json(refused);
    expect(problem).toMatchObject({ code: 'conflict', reason: 'sole_owner' });
    expect(String(problem.detail)).toContain(`Org ${org.slug}`);
    const [profile] =
      await db()`select email, deleted_at from public.profiles where id = ${solo.id}`;
    expect(profile).toEqual({ email: solo.email, deleted_at: null });
    expect((await roles(org.id))[solo.id]).toBe('owner');

    // A wrong confirmation is a 422, also without effect.
    expect((await deleteAccount(member, 'yes')).status).toBe(422);
    const [still] = await db()`select deleted_at from public.profiles where id = ${member.id}`;
    expect(still!.deleted_at).toBeNull();
  });

  it('anonymises the profile, ends memberships and sessions, keeps the ledger', async () => {
    const leaving = await createUser('Leaving Person');
    const other = await createUser('Other Owner');
    const org = await createOrg(other, [{ user: leaving, role: 'admin' }]);
    const wallet = await walletOf({ userId: leaving.id });
    await grant(wallet, 4n * CREDIT);
    const [conversation] = await db()<{ id: string }[]>`
      insert into public.conversations (user_id, title) values (${leaving.id}, 'Private') returning id`;
    const transfersBefore =
      await db()`select count(*)::int as n from public.transfers where key_account_id = ${wallet}`;

    const signedIn = await request('/api/me', {
      method: 'DELETE',
      user: leaving,
      body: { confirm: 'Delete my account' },
    });
    const bearer = signedIn.headers.get('authorization')!;
    expect((await deleteMe(signedIn)).status).toBe(200);

    const [profile] =
      await db()`select email, full_name, deleted_at from public.profiles where id = ${leaving.id}`;
    expect(profile!.email).toMatch(/^deleted-[0-9a-f]{32}@deleted\.invalid$/);
    expect(profile!.full_name).toBe('');
    expect(profile!.deleted_at).not.toBeNull();
    const [user] =
      await db()`select email, raw_user_meta_data from auth.users where id = ${leaving.id}`;
    expect(user).toEqual({ email: profile!.email, raw_user_meta_data: {} });
    expect(await roles(org.id)).toEqual({ [other.id]: 'owner' });
    expect(
      await db()`select 1 from public.conversations where id = ${conversation!.id}`,
    ).toHaveLength(0);
    const [account] = await db()`select frozen_at from public.accounts where id = ${wallet}`;
    expect(account!.frozen_at).not.toBeNull();
    const transfersAfter =
      await db()`select count(*)::int as n from public.transfers where key_account_id = ${wallet}`;
    expect(transfersAfter).toEqual(transfersBefore);
    expect(await ledgerCheck()).toEqual([]);

    // The session that deleted the account no longer opens anything.
    const after = await me(
      new Request('http://localhost:3000/api/me', { headers: { authorization: bearer } }),
    );
    expect(after.status).toBe(401);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { POST as createOrg } from '../../app/api/orgs/route';
import { POST as invite } from '../../app/api/orgs/[orgId]/invitations/route';
import { GET as members } from '../../app/api/orgs/[orgId]/members/route';
import {
  DELETE as remove,
  PATCH as update,
} from '../../app/api/orgs/[orgId]/members/[userId]/route';
import { POST as leave } from '../../app/api/orgs/[orgId]/leave/route';
import { POST as accept } from '../../app/api/invitations/[token]/accept/route';
import { POST as transfer } from '../../app/api/credits/transfer/route';
import { createUser, db, request, routeParams, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, grant, ledgerCheck, walletOf } from '../helpers/ledger';

/** Organizations: create, invite by email, accept, roles, limits, remove, leave, transfers. */

let owner: TestUser, admin: TestUser, newcomer: TestUser, other: TestUser;
let orgId: string;

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

async function inviteAs(user: TestUser, email: string, role = 'member') {
  return invite(
    await request(`/api/orgs/${orgId}/invitations`, { user, body: { email, role } }),
    routeParams({ orgId }),
  );
}

async function acceptAs(user: TestUser, url: string) {
  const token = new URL(url).pathname.split('/').pop()!;
  return accept(
    await request(`/api/invitations/${token}/accept`, { method: 'POST', user }),
    routeParams({ token }),
  );
}

const patch = async (user: TestUser, target: TestUser, body: Record<string, unknown>) =>
  update(
    await request(`/api/orgs/${orgId}/members/${target.id}`, { method: 'PATCH', user, body }),
    routeParams({ orgId, userId: target.id }),
  );

beforeAll(async () => {
  owner = await createUser('Owner');
  admin = await createUser('Admin');
  newcomer = await createUser('Newcomer');
  other = await createUser('Other');
});

describe('create', () => {
  it('the creator is owner and the org wallet exists with it', async () => {
    const response = await createOrg(
      await request('/api/orgs', { user: owner, body: { name: 'Acme Labs' } }),
    );
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.slug).toBe('acme-labs');
    orgId = String(body.id);
    const [row] = await db()`
      select m.role, a.kind from public.organization_members m
      join public.accounts a on a.org_id = m.org_id where m.org_id = ${orgId} and m.user_id = ${owner.id}`;
    expect(row).toEqual({ role: 'owner', kind: 'org_wallet' });
    // The same name again gets a free address.
    const again = await json(
      await createOrg(await request('/api/orgs', { user: other, body: { name: 'Acme Labs' } })),
    );
    expect(String(again.slug)).toMatch(/^acme-labs-[0-9a-f]{6}$/);
    const taken = await createOrg(
      await request('/api/orgs', { user: other, body: { name: 'X', slug: 'acme-labs' } }),
    );
    expect(taken.status).toBe(409);
  });
});

describe('invitations', () => {
  it('an owner invites by email; the invited person accepts with that role (once)', async () => {
    const response = await inviteAs(owner, admin.email.toUpperCase(), 'admin');
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({ email: admin.email, role: 'admin' });
    expect(String(body.url)).toMatch(/\/invitations\/[A-Za-z0-9_-]{43}$/);
    const [stored] =
      await db()`select token_hash from public.organization_invitations where id = ${String(body.invitationId)}`;
    expect(String(body.url)).not.toContain(String(stored!.token_hash));

    const accepted = await acceptAs(admin, String(body.url));
    expect(accepted.status).toBe(200);
    expect(await json(accepted)).toMatchObject({ orgId, role: 'admin', replayed: false });
    expect(await json(await acceptAs(admin, String(body.url)))).toMatchObject({ replayed: true });
  });

  it('someone else cannot use the link (403 wrong_user)', async () => {
    const body = await json(await inviteAs(admin, newcomer.email));
    const wrong = await acceptAs(other, String(body.url));
    expect(wrong.status).toBe(403);
    expect(await json(wrong)).toMatchObject({ reason: 'wrong_user' });
    expect((await acceptAs(newcomer, String(body.url))).status).toBe(200);
  });

  it('an expired link is refused (403 expired); a withdrawn one is 404; junk is 422', async () => {
    const body = await json(await inviteAs(owner, other.email));
    await db()`
      update public.organization_invitations
      set created_at = now() - interval '9 days', expires_at = now() - interval '2 days'
      where id = ${String(body.invitationId)}`;
    const expired = await acceptAs(other, String(body.url));
    expect(expired.status).toBe(403);
    expect(await json(expired)).toMatchObject({ reason: 'expired' });

    const fresh = await json(await inviteAs(owner, other.email)); // replaces the old one
    await db()`update public.organization_invitations set revoked_at = now() where id = ${String(fresh.invitationId)}`;
    expect((await acceptAs(other, String(fresh.url))).status).toBe(404);
    const junk = await accept(
      await request('/api/invitations/nope/accept', { method: 'POST', user: other }),
      routeParams({ token: 'nope' }),
    );
    expect(junk.status).toBe(422);
    const [membership] = await db()`
      select count(*)::int as n from public.organization_members where org_id = ${orgId} and user_id = ${other.id}`;
    expect(membership!.n).toBe(0);
  });

  it('members cannot invite; nobody invites an owner; members are not invited twice', async () => {
    expect((await inviteAs(newcomer, 'someone@example.test')).status).toBe(403);
    expect((await inviteAs(owner, 'someone@example.test', 'owner')).status).toBe(422);
    const again = await inviteAs(owner, newcomer.email);
    expect(again.status).toBe(422);
    expect((await inviteAs(other, 'someone@example.test')).status).toBe(404);
  });
});

describe('roles, limits, removal and leaving', () => {
  it('admins promote members but never touch owners; the last owner stays owner', async () => {
    expect((await patch(admin, newcomer, { role: 'admin' })).status).toBe(200);
    expect((await patch(admin, newcomer, { role: 'member' })).status).toBe(200);
    expect((await patch(admin, newcomer, { role: 'owner' })).status).toBe(403);
    expect((await patch(admin, owner, { role: 'member' })).status).toBe(403);
    expect((await patch(newcomer, admin, { role: 'member' })).status).toBe(403);
    const last = await patch(owner, owner, { role: 'admin' });
    expect(last.status).toBe(422);
    expect(await json(last)).toMatchObject({ reason: 'last_owner' });
  });

  it('admins set monthly limits; the member list shows them to admins', async () => {
    expect((await patch(admin, newcomer, { monthlyLimit: (25n * CREDIT).toString() })).status).toBe(
      200,
    );
    const list = (
      await json(
        await members(
          await request(`/api/orgs/${orgId}/members`, { user: admin }),
          routeParams({ orgId }),
        ),
      )
    ).items as { userId: string; role: string; monthlyLimit: string | null }[];
    expect(list.map((row) => row.role)).toEqual(['owner', 'admin', 'member']);
    expect(list.find((row) => row.userId === newcomer.id)!.monthlyLimit).toBe(
      (25n * CREDIT).toString(),
    );
  });

  it('transfers: personal → org by a member, org → member by an admin', async () => {
    const personal = await walletOf({ userId: newcomer.id });
    const orgWallet = await walletOf({ orgId });
    await grant(personal, 10n * CREDIT);
    const move = async (user: TestUser, body: Record<string, unknown>, key: string) =>
      transfer(
        await request('/api/credits/transfer', { user, body, headers: { 'idempotency-key': key } }),
      );
    expect(
      (await move(newcomer, { to: { orgId }, amount: (4n * CREDIT).toString() }, 't1')).status,
    ).toBe(200);
    expect(
      (
        await move(
          admin,
          { from: { orgId }, to: { userId: newcomer.id }, amount: CREDIT.toString() },
          't2',
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await move(
          newcomer,
          { from: { orgId }, to: { userId: newcomer.id }, amount: CREDIT.toString() },
          't3',
        )
      ).status,
    ).toBe(403);
    expect(await available(orgWallet)).toBe(3n * CREDIT);
    expect(await available(personal)).toBe(7n * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('admins remove members but not owners; removal drops the limit', async () => {
    const removeAs = async (user: TestUser, target: TestUser) =>
      remove(
        await request(`/api/orgs/${orgId}/members/${target.id}`, { method: 'DELETE', user }),
        routeParams({ orgId, userId: target.id }),
      );
    expect((await removeAs(admin, owner)).status).toBe(403);
    expect((await removeAs(admin, newcomer)).status).toBe(200);
    const [limits] =
      await db()`select count(*)::int as n from public.org_member_limits where user_id = ${newcomer.id}`;
    expect(limits!.n).toBe(0);
    expect((await removeAs(admin, newcomer)).status).toBe(404);
  });

  it('anyone leaves, except the last owner', async () => {
    const leaveAs = async (user: TestUser) =>
      leave(
        await request(`/api/orgs/${orgId}/leave`, { method: 'POST', user }),
        routeParams({ orgId }),
      );
    const ownerLeaving = await leaveAs(owner);
    expect(ownerLeaving.status).toBe(422);
    expect((await leaveAs(admin)).status).toBe(200);
    expect((await leaveAs(admin)).status).toBe(404);
    const [row] =
      await db()`select count(*)::int as n from public.organization_members where org_id = ${orgId}`;
    expect(row!.n).toBe(1);
  });
});

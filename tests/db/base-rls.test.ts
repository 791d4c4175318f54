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

/**
 * Row-level security on profiles, organizations and organization_members for every kind of
 * caller. Each cell runs in its own rolled-back transaction.
 */

let owner: TestUser, admin: TestUser, member: TestUser, stranger: TestUser, newcomer: TestUser;
let org: { id: string };

beforeAll(async () => {
  owner = await createUser('Owner');
  admin = await createUser('Admin');
  member = await createUser('Member');
  stranger = await createUser('Stranger');
  newcomer = await createUser('Newcomer');
  org = await createOrg(owner, [
    { user: admin, role: 'admin' },
    { user: member, role: 'member' },
  ]);
});

type Actor = 'anon' | 'stranger' | 'member' | 'admin' | 'owner' | 'service';

function run<T>(actor: Actor, work: Parameters<typeof as<T>>[2]) {
  if (actor === 'anon') return as('anon', { role: 'anon' }, work);
  if (actor === 'service') return as('service_role', { role: 'service_role' }, work);
  const user = { stranger, member, admin, owner }[actor];
  return as('authenticated', claimsFor(user.id), work);
}

/** Row count of a read as `actor`, or the SQLSTATE it was refused with. */
async function seen(
  actor: Actor,
  query: (tx: Parameters<Parameters<typeof as>[2]>[0]) => Promise<readonly unknown[]>,
) {
  return run(actor, async (tx) => (await query(tx)).length).catch(
    (error: { code?: string }) => error.code ?? 'error',
  );
}

describe('reads', () => {
  it.each<[Actor, number | string, number | string, number | string]>([
    // actor, organizations visible, members visible, profiles visible (of the org's 3 + stranger)
    ['anon', '42501', '42501', '42501'],
    ['stranger', 0, 0, 1],
    ['member', 1, 3, 3],
    ['admin', 1, 3, 3],
    ['owner', 1, 3, 3],
    ['service', 1, 3, 4],
  ])('%s sees orgs=%s members=%s profiles=%s', async (actor, orgs, members, profiles) => {
    const everyone = [owner.id, admin.id, member.id, stranger.id];
    expect({
      orgs: await seen(actor, (tx) => tx`select id from public.organizations where id = ${org.id}`),
      members: await seen(
        actor,
        (tx) => tx`select user_id from public.organization_members where org_id = ${org.id}`,
      ),
      profiles: await seen(
        actor,
        (tx) => tx`select id from public.profiles where id in ${tx(everyone)}`,
      ),
    }).toEqual({ orgs, members, profiles });
  });
});

describe('managing members', () => {
  it.each<[Actor, string, string, string, string]>([
    // actor, add a member, promote member→admin, make someone owner, remove member
    ['anon', '42501', '42501', '42501', '42501'],
    ['stranger', '42501', '0 rows', '42501', '0 rows'],
    ['member', '42501', '0 rows', '42501', '0 rows'],
    ['admin', 'ok', '1 rows', '42501', '1 rows'],
    ['owner', 'ok', '1 rows', 'ok', '1 rows'],
    ['service', 'ok', '1 rows', 'ok', '1 rows'],
  ])('%s: add=%s promote=%s owner=%s remove=%s', async (actor, add, promote, makeOwner, remove) => {
    const rows = (result: { count: number }) => `${result.count} rows`;
    const insert = await run(actor, (tx) =>
      outcome(
        () =>
          tx`insert into public.organization_members (org_id, user_id, role) values (${org.id}, ${newcomer.id}, 'member')`,
      ),
    );
    const update = await run(actor, async (tx) => {
      try {
        return rows(
          await tx`update public.organization_members set role = 'admin' where org_id = ${org.id} and user_id = ${member.id}`,
        );
      } catch (error) {
        return (error as { code: string }).code;
      }
    });
    const owned = await run(actor, (tx) =>
      outcome(
        () =>
          tx`insert into public.organization_members (org_id, user_id, role) values (${org.id}, ${newcomer.id}, 'owner')`,
      ),
    );
    const removal = await run(actor, async (tx) => {
      try {
        return rows(
          await tx`delete from public.organization_members where org_id = ${org.id} and user_id = ${member.id}`,
        );
      } catch (error) {
        return (error as { code: string }).code;
      }
    });
    expect([insert, update, owned, removal]).toEqual([add, promote, makeOwner, remove]);
  });

  it('an admin can neither demote nor remove the owner', async () => {
    const result = await run('admin', async (tx) => ({
      demote: (
        await tx`update public.organization_members set role = 'member' where org_id = ${org.id} and user_id = ${owner.id}`
      ).count,
      remove: (
        await tx`delete from public.organization_members where org_id = ${org.id} and user_id = ${owner.id}`
      ).count,
    }));
    expect(result).toEqual({ demote: 0, remove: 0 });
  });
});

describe('profiles and organizations', () => {
  it('a user edits their own name but can never make themselves platform admin', async () => {
    const result = await run('member', async (tx) => ({
      name: (await tx`update public.profiles set full_name = 'Renamed' where id = ${member.id}`)
        .count,
      other: (await tx`update public.profiles set full_name = 'Hijacked' where id = ${owner.id}`)
        .count,
      admin: await outcome(
        () => tx`update public.profiles set is_platform_admin = true where id = ${member.id}`,
      ),
    }));
    expect(result).toEqual({ name: 1, other: 0, admin: '42501' });
  });

  it('only owners and admins rename the org; nobody inserts orgs directly', async () => {
    for (const [actor, renamed] of [
      ['member', 0],
      ['admin', 1],
      ['owner', 1],
      ['stranger', 0],
    ] as const) {
      const count = await run(
        actor,
        async (tx) =>
          (await tx`update public.organizations set name = 'New name' where id = ${org.id}`).count,
      );
      expect(count, actor).toBe(renamed);
    }
    const direct = await run('owner', (tx) =>
      outcome(
        () => tx`insert into public.organizations (slug, name) values ('direct-org', 'Direct')`,
      ),
    );
    expect(direct).toBe('42501');
  });

  it('create_organization makes the caller owner; anon may not call it', async () => {
    const created = await run('stranger', async (tx) => {
      const [row] = await tx<
        { id: string }[]
      >`select public.create_organization('Stranger Co', 'stranger-co') as id`;
      const [membership] =
        await tx`select role from public.organization_members where org_id = ${row!.id} and user_id = ${stranger.id}`;
      return membership?.role;
    });
    expect(created).toBe('owner');
    const anon = await run('anon', (tx) =>
      outcome(() => tx`select public.create_organization('Anon Co', 'anon-co')`),
    );
    expect(anon).toBe('42501');
    const [left] =
      await db()`select count(*)::int as n from public.organizations where slug in ('stranger-co', 'anon-co')`;
    expect(left!.n).toBe(0); // both ran in rolled-back transactions
  });
});

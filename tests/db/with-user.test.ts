import { beforeAll, describe, expect, it } from 'vitest';
import { asService, withUser } from '../../lib/db';
import { getPool } from '../../lib/db/pool';
import { createOrg, createUser, type TestUser } from '../helpers/fixtures';

let alice: TestUser, bob: TestUser;

beforeAll(async () => {
  alice = await createUser('Alice');
  bob = await createUser('Bob');
  await createOrg(alice);
});

describe('withUser and asService', () => {
  it('runs as authenticated with the claims PostgREST would set', async () => {
    const [row] = await withUser(
      alice.session,
      (tx) =>
        tx`select current_user as who, auth.uid() as uid, auth.role() as role,
                current_setting('request.jwt.claims')::jsonb ->> 'email' as email`,
    );
    expect(row).toEqual({
      who: 'authenticated',
      uid: alice.id,
      role: 'authenticated',
      email: alice.email,
    });
  });

  it('leaves no role or claims behind on the pooled connection', async () => {
    const pool = getPool();
    for (let i = 0; i < 20; i += 1) await withUser(alice.session, (tx) => tx`select 1`);
    const rows = await Promise.all(
      Array.from(
        { length: 10 },
        () =>
          pool`select current_user as who, coalesce(current_setting('request.jwt.claims', true), '') as claims`,
      ),
    );
    for (const row of rows) expect(row[0]).toEqual({ who: 'postgres', claims: '' });
  });

  it('rolls back role and writes when the work throws', async () => {
    await expect(
      withUser(alice.session, async (tx) => {
        await tx`update public.profiles set full_name = 'Changed' where id = ${alice.id}`;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const [row] = await asService(
      (tx) => tx`select full_name from public.profiles where id = ${alice.id}`,
    );
    expect(row!.full_name).toBe('Alice');
  });

  it('keeps concurrent users apart', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const user = i % 2 ? alice : bob;
        return withUser(user.session, async (tx) => {
          const [row] = await tx`select auth.uid() as uid, pg_sleep(0.005)`;
          return row!.uid === user.id;
        });
      }),
    );
    expect(results.every(Boolean)).toBe(true);
  });

  it('cannot read what RLS hides or write what grants forbid', async () => {
    const seen = await withUser(bob.session, (tx) => tx`select id from public.organizations`);
    expect(seen).toHaveLength(0);
    await expect(
      withUser(
        bob.session,
        (tx) => tx`update public.profiles set is_platform_admin = true where id = ${bob.id}`,
      ),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('binds claims as a parameter: hostile values stay data', async () => {
    const hostile = {
      ...bob.session,
      claims: { ...bob.session.claims, email: `x'); drop table public.profiles; --` },
    };
    const [row] = await withUser(hostile, (tx) => tx`select auth.jwt() ->> 'email' as email`);
    expect(row!.email).toBe(hostile.claims.email);
    const [count] = await asService((tx) => tx`select count(*)::int as n from public.profiles`);
    expect(count!.n).toBeGreaterThan(0);
  });

  it('asService runs as service_role and sees everything', async () => {
    const [row] = await asService(
      (tx) => tx`select current_user as who, count(*)::int as n from public.organizations`,
    );
    expect(row).toEqual({ who: 'service_role', n: 1 });
  });
});

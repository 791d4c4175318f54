import { describe, expect, it } from 'vitest';
import { as, db } from '../helpers/fixtures';

const SUB = '6b1c6f1e-95f4-4c55-9d53-3a4f5c2f3e11';

describe('Supabase shim', () => {
  it('creates the Supabase roles, service_role bypassing RLS', async () => {
    const roles = await db()<{ rolname: string; rolbypassrls: boolean }[]>`
      select rolname, rolbypassrls from pg_roles
      where rolname in ('anon', 'authenticated', 'service_role') order by rolname`;
    expect(roles).toEqual([
      { rolname: 'anon', rolbypassrls: false },
      { rolname: 'authenticated', rolbypassrls: false },
      { rolname: 'service_role', rolbypassrls: true },
    ]);
  });

  it('auth.uid(), auth.role() and auth.jwt() follow request.jwt.claims', async () => {
    const claims = {
      sub: SUB,
      role: 'authenticated',
      email: 'a@example.test',
      aud: 'authenticated',
    };
    const [row] = await as(
      'authenticated',
      claims,
      (tx) =>
        tx`select auth.uid() as uid, auth.role() as role, auth.jwt() ->> 'email' as email, current_user as who`,
    );
    expect(row).toEqual({
      uid: SUB,
      role: 'authenticated',
      email: 'a@example.test',
      who: 'authenticated',
    });
  });

  it('auth.uid() is null without claims, and honours the legacy per-claim setting', async () => {
    const [none] = await as('anon', null, (tx) => tx`select auth.uid() as uid`);
    expect(none!.uid).toBeNull();
    const [legacy] = await db().begin(async (tx) => {
      await tx`select set_config('request.jwt.claim.sub', ${SUB}, true)`;
      return tx`select auth.uid() as uid`;
    });
    expect(legacy!.uid).toBe(SUB);
  });

  it('creates a profile when an auth user appears', async () => {
    await db()`insert into auth.users (id, email, raw_user_meta_data) values (${SUB}, 'new@example.test', ${db().json({ full_name: 'New Person' })})`;
    const [profile] =
      await db()`select email, full_name, is_platform_admin from public.profiles where id = ${SUB}`;
    expect(profile).toEqual({
      email: 'new@example.test',
      full_name: 'New Person',
      is_platform_admin: false,
    });
  });
});

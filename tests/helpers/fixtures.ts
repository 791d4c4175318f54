import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll } from 'vitest';
import type { DbSession, JwtClaims } from '../../lib/db';
import { startLocalSession } from '../../lib/auth/local-sessions';

/**
 * Test fixtures on the file's own database: a superuser connection for set-up and assertions
 * (it bypasses RLS, so assertions see the truth), users, orgs, sessions and API requests.
 */

let superuser: postgres.Sql | undefined;

/** Superuser connection to this file's database; closed after the file. */
export function db(): postgres.Sql {
  if (!superuser) {
    superuser = postgres(process.env.DATABASE_URL!, {
      max: 4,
      onnotice: () => {},
      types: { bigint: postgres.BigInt },
    });
    afterAll(async () => {
      await superuser?.end();
      superuser = undefined;
    });
  }
  return superuser;
}

export interface TestUser {
  id: string;
  email: string;
  session: DbSession;
}

export function claimsFor(id: string, email = `${id}@example.test`): JwtClaims {
  return { sub: id, email, role: 'authenticated', aud: 'authenticated' };
}

export async function createUser(name = 'Test User'): Promise<TestUser> {
  const id = randomUUID();
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${id.slice(0, 8)}@example.test`;
  await db()`
    insert into auth.users (id, email, raw_user_meta_data)
    values (${id}, ${email}, ${db().json({ full_name: name })})`;
  return { id, email, session: { userId: id, claims: claimsFor(id, email) } };
}

export async function createOrg(
  owner: TestUser,
  members: { user: TestUser; role: 'admin' | 'member' }[] = [],
): Promise<{ id: string; slug: string }> {
  const slug = `org-${randomUUID().slice(0, 8)}`;
  const [org] = await db()<{ id: string }[]>`
    insert into public.organizations (slug, name, created_by)
    values (${slug}, ${'Org ' + slug}, ${owner.id}) returning id`;
  await db()`insert into public.organization_members (org_id, user_id, role) values (${org!.id}, ${owner.id}, 'owner')`;
  for (const { user, role } of members) {
    await db()`insert into public.organization_members (org_id, user_id, role) values (${org!.id}, ${user.id}, ${role})`;
  }
  return { id: org!.id, slug };
}

export type DbRole = 'anon' | 'authenticated' | 'service_role';

/**
 * Runs `work` in a transaction as `role` with the given claims, exactly as lib/db sets them, and
 * rolls back afterwards so matrix tests never disturb each other.
 */
export async function as<T>(
  role: DbRole,
  claims: Record<string, unknown> | null,
  work: (tx: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  let result: T | undefined;
  const rollback = new Error('rollback');
  try {
    await db().begin(async (tx) => {
      await tx`select set_config('role', ${role}, true),
                      set_config('request.jwt.claims', ${claims ? JSON.stringify(claims) : ''}, true)`;
      result = await work(tx);
      throw rollback;
    });
  } catch (error) {
    if (error !== rollback) throw error;
  }
  return result as T;
}

/** Resolves to the SQLSTATE a query fails with, or 'ok' when it succeeds. */
export async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** A Request to an app route handler, signed in as `user` through the Bearer door. */
export async function request(
  url: string,
  options: {
    method?: string;
    user?: TestUser;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<Request> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.user) {
    headers.authorization = `Bearer ${await startLocalSession({ id: options.user.id, email: options.user.email })}`;
  }
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  return new Request(new URL(url, 'http://localhost:3000'), {
    method: options.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
  });
}

export function routeParams<T extends Record<string, string>>(params: T) {
  return { params: Promise.resolve(params) };
}

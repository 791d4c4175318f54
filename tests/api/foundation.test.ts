import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { route } from '../../lib/api';
import { AppError } from '../../lib/core';
import { GET as health } from '../../app/api/health/route';
import { GET as me } from '../../app/api/me/route';
import { POST as signIn } from '../../app/api/auth/local/sign-in/route';
import { POST as signOut } from '../../app/api/auth/sign-out/route';
import {
  createOrg,
  createUser,
  db,
  request,
  routeParams,
  type TestUser,
} from '../helpers/fixtures';

let alice: TestUser;

beforeAll(async () => {
  alice = await createUser('Alice Example');
  await createOrg(alice);
});

async function problem(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as Record<string, unknown>;
}

describe('GET /api/health', () => {
  it('reports the database reachable', async () => {
    const response = await health(await request('/api/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', database: 'reachable' });
  });
});

describe('GET /api/me', () => {
  it('401 problem+json when signed out', async () => {
    const response = await me(await request('/api/me'));
    expect(response.status).toBe(401);
    expect(await problem(response)).toMatchObject({
      status: 401,
      code: 'unauthorized',
      title: 'Sign-in required',
    });
  });

  it('401 for a forged token', async () => {
    const forged = await request('/api/me', {
      headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' },
    });
    expect((await me(forged)).status).toBe(401);
  });

  it('the profile and orgs of the signed-in user, no secret columns', async () => {
    const response = await me(await request('/api/me', { user: alice }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { email: string; orgs: { role: string }[] };
    expect(body).toMatchObject({
      id: alice.id,
      email: alice.email,
      fullName: 'Alice Example',
      isPlatformAdmin: false,
    });
    expect(body.orgs).toHaveLength(1);
    expect(body.orgs[0]!.role).toBe('owner');
    expect(Object.keys(body).sort()).toEqual([
      'email',
      'fullName',
      'id',
      'isPlatformAdmin',
      'orgs',
    ]);
  });
});

describe('local sign-in and sign-out', () => {
  it('signs in a known user with an httpOnly SameSite=Lax cookie and redirects', async () => {
    const form = new URLSearchParams({ userId: alice.id, next: '/credits' });
    const response = await signIn(
      new Request('http://localhost:3000/api/auth/local/sign-in', {
        method: 'POST',
        body: form,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/credits');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^tollgate-session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=lax/i);

    const token = /tollgate-session=([^;]+)/.exec(cookie)![1]!;
    const viaCookie = await me(
      new Request('http://localhost:3000/api/me', {
        headers: { cookie: `tollgate-session=${token}` },
      }),
    );
    expect(viaCookie.status).toBe(200);
  });

  it('never redirects off-site after sign-in', async () => {
    const form = new URLSearchParams({ userId: alice.id, next: '//evil.example/steal' });
    const response = await signIn(
      new Request('http://localhost:3000/api/auth/local/sign-in', { method: 'POST', body: form }),
    );
    expect(response.headers.get('location')).toBe('/dashboard');
  });

  it('refuses an unknown user (404) and a malformed id (422)', async () => {
    const unknown = await signIn(
      new Request('http://localhost:3000/api/auth/local/sign-in', {
        method: 'POST',
        body: new URLSearchParams({ userId: '00000000-0000-4000-8000-00000000dead' }),
      }),
    );
    expect(unknown.status).toBe(404);
    const malformed = await signIn(
      new Request('http://localhost:3000/api/auth/local/sign-in', {
        method: 'POST',
        body: new URLSearchParams({ userId: 'x' }),
      }),
    );
    expect(malformed.status).toBe(422);
  });

  it('sign-out clears the cookie', async () => {
    const response = await signOut(
      new Request('http://localhost:3000/api/auth/sign-out', { method: 'POST' }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('set-cookie')).toMatch(/tollgate-session=;/);
  });

  it('sign-out ends the session on the server: the old token is refused at once', async () => {
    const signInAs = async () => {
      const response = await signIn(
        new Request('http://localhost:3000/api/auth/local/sign-in', {
          method: 'POST',
          body: new URLSearchParams({ userId: alice.id }),
        }),
      );
      return /tollgate-session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')![1]!;
    };
    const meWith = (headers: Record<string, string>) =>
      me(new Request('http://localhost:3000/api/me', { headers }));
    const token = await signInAs();
    const other = await signInAs();
    expect((await meWith({ cookie: `tollgate-session=${token}` })).status).toBe(200);
    expect((await meWith({ authorization: `Bearer ${token}` })).status).toBe(200);

    const out = await signOut(
      new Request('http://localhost:3000/api/auth/sign-out', {
        method: 'POST',
        headers: { cookie: `tollgate-session=${token}` },
      }),
    );
    expect(out.status).toBe(303);
    // The same token, by cookie or as a Bearer token, no longer signs anyone in.
    expect((await meWith({ cookie: `tollgate-session=${token}` })).status).toBe(401);
    expect((await meWith({ authorization: `Bearer ${token}` })).status).toBe(401);
    // Another session of the same user (another browser) is untouched.
    expect((await meWith({ cookie: `tollgate-session=${other}` })).status).toBe(200);
    const [row] = await db()`
      select count(*) filter (where ended_at is not null)::int as ended,
             count(*) filter (where ended_at is null)::int as open
      from private.local_sessions where user_id = ${alice.id}`;
    expect(row!.ended).toBeGreaterThanOrEqual(1);
    expect(row!.open).toBeGreaterThanOrEqual(1);
  });

  it('a sign-in that is not a form (JSON, nothing) is a 400, never a 500', async () => {
    for (const init of [
      {
        body: JSON.stringify({ userId: alice.id }),
        headers: { 'content-type': 'application/json' },
      },
      {},
    ]) {
      const response = await signIn(
        new Request('http://localhost:3000/api/auth/local/sign-in', { method: 'POST', ...init }),
      );
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });
});

describe('the route wrapper', () => {
  const echo = route(
    {
      params: z.object({ id: z.uuid() }),
      query: z.object({ limit: z.coerce.number().int().min(1).max(10).default(5) }),
      body: z.object({ amount: z.number().int().positive() }),
    },
    async ({ params, query, body, idempotencyKey, session }) => ({
      params,
      query,
      body,
      idempotencyKey,
      user: session.userId,
      big: 2n ** 60n,
    }),
  );
  const id = '6b1c6f1e-95f4-4c55-9d53-3a4f5c2f3e11';

  it('passes validated input and serialises bigint exactly', async () => {
    const response = await echo(
      await request(`/x?limit=3`, {
        user: alice,
        body: { amount: 7 },
        headers: { 'idempotency-key': 'key-1' },
      }),
      routeParams({ id }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      params: { id },
      query: { limit: 3 },
      body: { amount: 7 },
      idempotencyKey: 'key-1',
      user: alice.id,
      big: '1152921504606846976',
    });
  });

  it.each([
    ['a malformed path id', '/x', 'not-a-uuid', { amount: 1 }, {}],
    ['a bad query', '/x?limit=99', id, { amount: 1 }, {}],
    ['a negative amount', '/x', id, { amount: -5 }, {}],
    ['a fractional amount', '/x', id, { amount: 1.5 }, {}],
    ['a bad idempotency key', '/x', id, { amount: 1 }, { 'idempotency-key': 'has space' }],
  ])('422 for %s', async (_label, url, pathId, body, headers) => {
    const response = await echo(
      await request(url, { user: alice, body, headers }),
      routeParams({ id: pathId }),
    );
    expect(response.status).toBe(422);
    const body422 = await problem(response);
    expect(body422.code).toBe('validation_failed');
    expect(Array.isArray(body422.errors)).toBe(true);
  });

  it('400 for a body that is not JSON', async () => {
    const response = await echo(
      await request('/x', { user: alice, body: '{nope' }),
      routeParams({ id }),
    );
    expect(response.status).toBe(400);
    expect((await problem(response)).detail).toMatch(/not valid JSON/);
  });

  it('maps AppError and our SQLSTATEs to their status, with extension members', async () => {
    const insufficient = route({}, async () => {
      await db()`select 1`;
      const { getPool } = await import('../../lib/db/pool');
      await getPool()`do $$ begin raise exception 'Not enough credits.' using errcode = 'TG402', hint = '{"needed":"5","available":"2"}'; end $$`;
    });
    const response = await insufficient(await request('/x', { user: alice }));
    expect(response.status).toBe(402);
    expect(await problem(response)).toMatchObject({
      code: 'insufficient_credits',
      detail: 'Not enough credits.',
      needed: '5',
      available: '2',
    });

    const limited = route({}, async () => {
      throw new AppError('rate_limited', 'Slow down.', { retryAfter: 12 }, { 'Retry-After': '12' });
    });
    const limitedResponse = await limited(await request('/x', { user: alice }));
    expect(limitedResponse.status).toBe(429);
    expect(limitedResponse.headers.get('retry-after')).toBe('12');
  });

  it('a 500 carries a request id and never the internals', async () => {
    const broken = route({}, async () => {
      throw new Error('connection string postgres://secret@db leaked?');
    });
    const original = console.error;
    console.error = () => {};
    const response = await broken(await request('/x', { user: alice }));
    console.error = original;
    expect(response.status).toBe(500);
    const body = await problem(response);
    expect(body.code).toBe('internal_error');
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
    expect(JSON.stringify(body)).not.toContain('secret');
  });
});

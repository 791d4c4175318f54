import { beforeAll, describe, expect, it } from 'vitest';
import { GET as listRoute, POST as createRoute } from '../../app/api/keys/route';
import { PATCH as patchRoute } from '../../app/api/keys/[id]/route';
import { POST as revokeRoute } from '../../app/api/keys/[id]/revoke/route';
import { POST as rotateRoute } from '../../app/api/keys/[id]/rotate/route';
import { authenticateApiKey } from '../../lib/api-keys';
import { hashApiKey } from '../../lib/api-keys/secret';
import {
  as,
  claimsFor,
  createOrg,
  createUser,
  db,
  outcome,
  request,
  routeParams,
  type TestUser,
} from '../helpers/fixtures';
import { allowTestClock, clocked, walletOf } from '../helpers/ledger';

/** API keys: shown once, stored as a keyed hash, refused with nothing written, managed by owners. */

let owner: TestUser, admin: TestUser, member: TestUser, stranger: TestUser;
let org: { id: string };

beforeAll(async () => {
  await allowTestClock();
  owner = await createUser('Keys Owner');
  admin = await createUser('Keys Admin');
  member = await createUser('Keys Member');
  stranger = await createUser('Keys Stranger');
  org = await createOrg(owner, [
    { user: admin, role: 'admin' },
    { user: member, role: 'member' },
  ]);
});

interface Created {
  secret: string;
  key: { id: string; prefix: string; status: string; [field: string]: unknown };
}

async function create(user: TestUser, body: Record<string, unknown>): Promise<Response> {
  return createRoute(await request('/api/keys', { user, body }));
}

async function createKey(user: TestUser, body: Record<string, unknown> = {}): Promise<Created> {
  const response = await create(user, { name: 'CI', scopes: ['ai:chat'], ...body });
  expect(response.status).toBe(201);
  return (await response.json()) as Created;
}

async function usage(id: string) {
  const [row] = await db()<{ last_used_at: Date | null; last_used_ip: string | null }[]>`
    select last_used_at, host(last_used_ip) as last_used_ip from public.api_keys where id = ${id}`;
  return row!;
}

async function refusal(secret: string, ip: string | null = '203.0.113.5') {
  try {
    await authenticateApiKey(secret, ip);
    return 'ok';
  } catch (error) {
    const { status, extensions } = error as { status: number; extensions: { reason: string } };
    return `${status} ${extensions.reason}`;
  }
}

/** The SQL check at a given instant (the test clock), for expiry and rotation grace. */
async function authenticateAt(secret: string, at: Date, ip = '203.0.113.5') {
  const [row] = await clocked(at, async (tx) => {
    await tx`set local role service_role`;
    return tx<{ refusal: string | null; id: string | null }[]>`
      select refusal, id from public.api_key_authenticate(${hashApiKey(secret)}, ${ip}::inet)`;
  });
  return row!.refusal ?? 'ok';
}

const hour = 3600_000;

describe('creating and listing keys', () => {
  it('shows the secret once and stores only its keyed hash', async () => {
    const { secret, key } = await createKey(owner, {
      name: 'Deploy bot',
      scopes: ['ai:chat', 'credits:read'],
    });
    expect(secret).toMatch(/^tg_test_[0-9A-Za-z]{43}$/);
    expect(key).toMatchObject({ prefix: secret.slice(0, 12), status: 'active', orgId: null });
    expect(JSON.stringify(key)).not.toContain(secret.slice(12));
    const [row] = await db()<{ secret_hash: string; whole: string }[]>`
      select secret_hash, row_to_json(k)::text as whole from public.api_keys k where id = ${key.id}`;
    expect(row!.secret_hash).toBe(hashApiKey(secret));
    expect(row!.whole).not.toContain(secret.slice(12));

    const listed = await (await listRoute(await request('/api/keys', { user: owner }))).text();
    expect(listed).not.toContain(secret.slice(12));
    expect(listed).not.toContain(row!.secret_hash);
    expect(listed).not.toMatch(/hash/i);
    const { keys } = JSON.parse(listed) as { keys: { id: string; name: string }[] };
    expect(keys.map((k) => k.id)).toContain(key.id);
  });

  it('a keyed retry replays the answer without the secret, which is never stored', async () => {
    const send = async () =>
      createRoute(
        await request('/api/keys', {
          user: owner,
          body: { name: 'Retried', scopes: ['ai:chat'] },
          headers: { 'idempotency-key': 'create-retried-key' },
        }),
      );
    const first = (await (await send()).json()) as Created;
    expect(first.secret).toMatch(/^tg_test_/);
    const retry = await send();
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const replayed = (await retry.json()) as { secret: string | null; key: { id: string } };
    expect(replayed).toMatchObject({ secret: null, key: { id: first.key.id } });
    const stored = await db()<{ response_body: string }[]>`
      select response_body from private.idempotent_requests where key = 'create-retried-key'`;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.response_body).not.toContain(first.secret.slice(12));
  });

  it('refuses unknown scopes, bad ranges and past expiries with 422, writing nothing', async () => {
    const [before] = await db()`select count(*)::int as n from public.api_keys`;
    for (const body of [
      { name: 'x', scopes: ['admin:all'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['ai:chat'], ipAllowlist: ['10.1.2.3/8'] },
      { name: 'x', scopes: ['ai:chat'], ipAllowlist: ['nonsense'] },
      { name: 'x', scopes: ['ai:chat'], ipAllowlist: ['2001:db8::1/32'] },
      { name: 'x', scopes: ['ai:chat'], expiresAt: new Date(Date.now() - hour).toISOString() },
      { name: 'x', scopes: ['ai:chat'], requestsPerMinute: 0 },
      { name: 'x', scopes: ['ai:chat'], monthlyLimitMicroCredits: '-5' },
      { name: ' ', scopes: ['ai:chat'] },
    ]) {
      const response = await create(owner, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    const [after] = await db()`select count(*)::int as n from public.api_keys`;
    expect(after!.n).toBe(before!.n);
  });

  it('a plain member may not create org keys; a stranger does not see the org', async () => {
    expect((await create(member, { name: 'm', scopes: ['ai:chat'], orgId: org.id })).status).toBe(
      403,
    );
    expect((await create(stranger, { name: 's', scopes: ['ai:chat'], orgId: org.id })).status).toBe(
      404,
    );
    const listed = await listRoute(await request(`/api/keys?orgId=${org.id}`, { user: stranger }));
    expect(listed.status).toBe(404);
  });
});

describe('authenticating a key', () => {
  it('accepts a good key, names its wallet and records when and from where', async () => {
    const { secret, key } = await createKey(owner, {
      monthlyLimitMicroCredits: '5000000',
      requestsPerMinute: 60,
    });
    const principal = await authenticateApiKey(secret, '203.0.113.5');
    expect(principal).toMatchObject({
      keyId: key.id,
      subject: { kind: 'user', id: owner.id },
      createdBy: owner.id,
      scopes: ['ai:chat'],
      monthlyLimitMicroCredits: 5_000_000n,
      requestsPerMinute: 60,
      walletId: await walletOf({ userId: owner.id }),
    });
    const used = await usage(key.id);
    expect(used.last_used_at).not.toBeNull();
    expect(used.last_used_ip).toBe('203.0.113.5');
  });

  it('refuses malformed, other-environment, unknown and revoked keys, writing nothing', async () => {
    const { secret, key } = await createKey(owner);
    const body = secret.slice('tg_test_'.length);
    expect(await refusal('')).toBe('401 malformed');
    expect(await refusal(`tg_test_${body}x`)).toBe('401 malformed');
    expect(await refusal(`Bearer ${secret}`)).toBe('401 malformed');
    expect(await refusal(`tg_live_${body}`)).toBe('401 environment');
    expect(await refusal(`tg_test_${'A'.repeat(43)}`)).toBe('401 invalid');
    expect(await usage(key.id)).toEqual({ last_used_at: null, last_used_ip: null });

    const revoked = await revokeRoute(
      await request(`/api/keys/${key.id}/revoke`, { user: owner, method: 'POST' }),
      routeParams({ id: key.id }),
    );
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ key: { status: 'revoked' } });
    expect(await refusal(secret)).toBe('401 revoked');
    expect(await usage(key.id)).toEqual({ last_used_at: null, last_used_ip: null });
  });

  it('refuses an expired key', async () => {
    const { secret, key } = await createKey(owner, {
      expiresAt: new Date(Date.now() + hour).toISOString(),
    });
    expect(await authenticateAt(secret, new Date(Date.now() + 2 * hour))).toBe('expired');
    expect(await usage(key.id)).toEqual({ last_used_at: null, last_used_ip: null });
    expect(await refusal(secret)).toBe('ok');
  });

  it('refuses an address outside the allowlist with a 403', async () => {
    const { secret, key } = await createKey(owner, {
      ipAllowlist: ['198.51.100.0/24', '2001:db8::/32'],
    });
    expect(await refusal(secret, '203.0.113.5')).toBe('403 ip_not_allowed');
    expect(await refusal(secret, null)).toBe('403 ip_not_allowed');
    expect(await usage(key.id)).toEqual({ last_used_at: null, last_used_ip: null });
    expect(await refusal(secret, '198.51.100.7')).toBe('ok');
    expect(await refusal(secret, '2001:db8::42')).toBe('ok');
    expect((await usage(key.id)).last_used_ip).toBe('2001:db8::42');
  });
});

describe('rotating a key', () => {
  async function rotate(user: TestUser, id: string, graceSeconds: unknown) {
    return rotateRoute(
      await request(`/api/keys/${id}/rotate`, { user, body: { graceSeconds } }),
      routeParams({ id }),
    );
  }

  it('the old secret works within the grace, not after it', async () => {
    const { secret: old, key } = await createKey(owner);
    const response = await rotate(owner, key.id, 3600);
    expect(response.status).toBe(200);
    const { secret: fresh, key: rotated } = (await response.json()) as Created;
    expect(fresh).not.toBe(old);
    expect(rotated.prefix).toBe(fresh.slice(0, 12));
    expect(rotated.previousValidUntil).not.toBeNull();
    expect(await refusal(old)).toBe('ok');
    expect(await refusal(fresh)).toBe('ok');
    const later = new Date(Date.now() + 2 * hour);
    expect(await authenticateAt(old, later)).toBe('invalid');
    expect(await authenticateAt(fresh, later)).toBe('ok');
  });

  it('a zero grace ends the old secret at once; bad graces are 422', async () => {
    const { secret: old, key } = await createKey(owner);
    expect((await rotate(owner, key.id, 8 * 24 * 3600)).status).toBe(422);
    expect((await rotate(owner, key.id, -1)).status).toBe(422);
    expect(await refusal(old)).toBe('ok');
    expect((await rotate(owner, key.id, 0)).status).toBe(200);
    expect(await refusal(old)).toBe('401 invalid');
  });
});

describe('org keys and other people', () => {
  it('an org key spends from the org wallet and stops when its creator leaves', async () => {
    const { secret, key } = await createKey(admin, { orgId: org.id });
    expect(key.orgId).toBe(org.id);
    expect(await authenticateApiKey(secret, null)).toMatchObject({
      subject: { kind: 'org', id: org.id },
      walletId: await walletOf({ orgId: org.id }),
    });
    const ownerList = await listRoute(await request(`/api/keys?orgId=${org.id}`, { user: owner }));
    expect(
      ((await ownerList.json()) as { keys: { id: string }[] }).keys.map((k) => k.id),
    ).toContain(key.id);
    expect(
      (await listRoute(await request(`/api/keys?orgId=${org.id}`, { user: member }))).status,
    ).toBe(403);

    await db()`delete from public.organization_members where org_id = ${org.id} and user_id = ${admin.id}`;
    const before = await usage(key.id);
    expect(await refusal(secret)).toBe('401 inactive');
    expect(await usage(key.id)).toEqual(before);
  });

  it("a stranger cannot revoke, rotate, change or list another person's key (404)", async () => {
    const { secret, key } = await createKey(owner);
    const params = routeParams({ id: key.id });
    const url = `/api/keys/${key.id}`;
    expect(
      (
        await revokeRoute(
          await request(`${url}/revoke`, { user: stranger, method: 'POST' }),
          params,
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await rotateRoute(
          await request(`${url}/rotate`, { user: stranger, body: { graceSeconds: 0 } }),
          params,
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await patchRoute(
          await request(url, { user: stranger, method: 'PATCH', body: { name: 'mine' } }),
          params,
        )
      ).status,
    ).toBe(404);
    const theirs = await (await listRoute(await request('/api/keys', { user: stranger }))).json();
    expect(theirs).toEqual({ keys: [] });
    expect(await refusal(secret)).toBe('ok');
  });

  it('PATCH changes name, scopes, limits and allowlist; bad values are 422', async () => {
    const { key } = await createKey(owner, { ipAllowlist: ['10.0.0.0/8'] });
    const params = routeParams({ id: key.id });
    const patch = async (body: unknown) =>
      patchRoute(
        await request(`/api/keys/${key.id}`, { user: owner, method: 'PATCH', body }),
        params,
      );
    const changed = await patch({
      name: 'Renamed',
      scopes: ['usage:read'],
      ipAllowlist: null,
      requestsPerMinute: 10,
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({
      key: { name: 'Renamed', scopes: ['usage:read'], ipAllowlist: null, requestsPerMinute: 10 },
    });
    expect((await patch({ scopes: ['root'] })).status).toBe(422);
    expect((await patch({ ipAllowlist: ['300.1.1.1'] })).status).toBe(422);
    expect((await patch({})).status).toBe(422);
  });
});

describe('row-level security', () => {
  it('authenticated users never read hashes, only their own keys, and cannot authenticate', async () => {
    const { key } = await createKey(owner);
    const claims = claimsFor(owner.id);
    expect(
      await outcome(() =>
        as('authenticated', claims, (tx) => tx`select secret_hash from public.api_keys`),
      ),
    ).toBe('42501');
    expect(
      await outcome(() =>
        as('authenticated', claims, (tx) => tx`select previous_secret_hash from public.api_keys`),
      ),
    ).toBe('42501');
    expect(
      await outcome(() => as('authenticated', claims, (tx) => tx`select * from public.api_keys`)),
    ).toBe('42501');
    const mine = await as(
      'authenticated',
      claims,
      (tx) => tx`select id from public.api_keys where id = ${key.id}`,
    );
    expect(mine).toHaveLength(1);
    const seen = await as(
      'authenticated',
      claimsFor(stranger.id),
      (tx) => tx`select id from public.api_keys where id = ${key.id}`,
    );
    expect(seen).toHaveLength(0);
    expect(await outcome(() => as('anon', null, (tx) => tx`select id from public.api_keys`))).toBe(
      '42501',
    );
    expect(
      await outcome(() =>
        as(
          'authenticated',
          claims,
          (tx) => tx`select * from public.api_key_authenticate(${'0'.repeat(64)}, null)`,
        ),
      ),
    ).toBe('42501');
    expect(
      await outcome(() =>
        as(
          'authenticated',
          claims,
          (tx) => tx`update public.api_keys set revoked_at = null where id = ${key.id}`,
        ),
      ),
    ).toBe('42501');
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GET as listRoute, POST as createRoute } from '../../app/api/webhooks/endpoints/route';
import {
  DELETE as deleteRoute,
  PATCH as patchRoute,
} from '../../app/api/webhooks/endpoints/[id]/route';
import { POST as testRoute } from '../../app/api/webhooks/endpoints/[id]/test/route';
import { GET as deliveriesRoute } from '../../app/api/webhooks/endpoints/[id]/deliveries/route';
import { POST as replayRoute } from '../../app/api/webhooks/deliveries/[id]/replay/route';
import { startWorker, stopWorker } from '../../lib/jobs';
import { jobHandlers } from '../../lib/worker';
import {
  DEFAULT_RETRY_POLICY,
  nextAttemptAt,
  retryDelayMs,
  setRetryPolicy,
} from '../../lib/webhooks/backoff';
import { webhookUrlProblem } from '../../lib/webhooks/url';
import { dispatchWebhookEvents } from '../../lib/webhooks/deliver';
import { verifyTollgateSignature } from '../../lib/webhooks/verify';
import {
  createOrg,
  createUser,
  db,
  request,
  routeParams,
  type TestUser,
} from '../helpers/fixtures';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

/**
 * Outbound webhooks end to end on the real database and real HTTP on 127.0.0.1: endpoints and
 * their rules, signed deliveries verified with the README's snippet, retries with every attempt
 * recorded, replay, automatic disabling, fan-out by subscription and subject, and RLS.
 */

process.env.ENCRYPTION_KEY = 'cd'.repeat(32);

let receiver: WebhookReceiver;
let alice: TestUser, bob: TestUser, carol: TestUser;
let org: { id: string };

const FAST = { firstDelayMs: 50, maxDelayMs: 200, windowMs: 60_000, jitter: 0.2, timeoutMs: 3000 };

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  alice = await createUser('Alice Hooks');
  bob = await createUser('Bob Hooks');
  carol = await createUser('Carol Member');
  org = await createOrg(alice, [{ user: carol, role: 'member' }]);
  setRetryPolicy(FAST);
  await startWorker({
    handlers: { 'webhooks.deliver': jobHandlers['webhooks.deliver']! },
    pollingIntervalSeconds: 0.5,
    concurrency: 4,
  });
});

afterAll(async () => {
  await stopWorker();
  setRetryPolicy();
  await receiver.close();
});

beforeEach(() => {
  receiver.failAlways(null);
  receiver.failNext(0);
  receiver.received.length = 0;
});

interface Created {
  endpoint: { id: string; url: string; eventTypes: string[]; secretHint: string };
  secret: string;
}

async function create(user: TestUser, body: Record<string, unknown>): Promise<Response> {
  return createRoute(await request('/api/webhooks/endpoints', { user, body }));
}

async function createOk(user: TestUser, body: Record<string, unknown>): Promise<Created> {
  const response = await create(user, { url: receiver.url, eventTypes: ['*'], ...body });
  expect(response.status).toBe(201);
  return (await response.json()) as Created;
}

interface DeliveryView {
  id: string;
  eventType: string;
  status: string;
  replayOf: string | null;
  attempts: { attempt: number; statusCode: number | null; succeeded: boolean; error: string }[];
}

async function deliveries(user: TestUser, endpointId: string): Promise<Response> {
  const url = `/api/webhooks/endpoints/${endpointId}/deliveries`;
  return deliveriesRoute(await request(url, { user }), routeParams({ id: endpointId }));
}

async function deliveriesOf(user: TestUser, endpointId: string): Promise<DeliveryView[]> {
  const response = await deliveries(user, endpointId);
  expect(response.status).toBe(200);
  return ((await response.json()) as { deliveries: DeliveryView[] }).deliveries;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function sendTest(user: TestUser, endpointId: string): Promise<Response> {
  const url = `/api/webhooks/endpoints/${endpointId}/test`;
  return testRoute(await request(url, { user, method: 'POST' }), routeParams({ id: endpointId }));
}

async function replay(user: TestUser, deliveryId: string): Promise<Response> {
  const url = `/api/webhooks/deliveries/${deliveryId}/replay`;
  return replayRoute(await request(url, { user, method: 'POST' }), routeParams({ id: deliveryId }));
}

const endpointCount = async () =>
  (await db()<{ n: number }[]>`select count(*)::int as n from public.webhook_endpoints`)[0]!.n;

describe('endpoints', () => {
  it('creates an endpoint, shows its secret once, and stores only ciphertext', async () => {
    const created = await createOk(alice, { eventTypes: ['credits.purchased', 'balance.low'] });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.endpoint).toMatchObject({
      url: receiver.url,
      eventTypes: ['balance.low', 'credits.purchased'],
      secretHint: created.secret.slice(-4),
    });
    const listed = await (
      await listRoute(await request('/api/webhooks/endpoints', { user: alice }))
    ).text();
    expect(listed).toContain(created.endpoint.id);
    expect(listed).not.toContain(created.secret);
    const [row] = await db()<{ secret_ciphertext: string }[]>`
      select secret_ciphertext from public.webhook_endpoints where id = ${created.endpoint.id}`;
    expect(row!.secret_ciphertext).toMatch(/^v1:/);
    expect(row!.secret_ciphertext).not.toContain(created.secret);
    const deleted = await deleteRoute(
      await request(`/api/webhooks/endpoints/${created.endpoint.id}`, {
        user: alice,
        method: 'DELETE',
      }),
      routeParams({ id: created.endpoint.id }),
    );
    expect(deleted.status).toBe(200);
    expect(await endpointCount()).toBe(0);
  });

  it('rejects bad input with 422 problem+json and writes nothing', async () => {
    const before = await endpointCount();
    const cases: Record<string, unknown>[] = [
      { url: 'http://example.com/hooks', eventTypes: ['*'] },
      { url: 'ftp://example.com/hooks', eventTypes: ['*'] },
      { url: 'https://user:pw@example.com/hooks', eventTypes: ['*'] },
      { url: 'not a url', eventTypes: ['*'] },
      { url: 'https://example.com/hooks', eventTypes: ['credits.stolen'] },
      { url: 'https://example.com/hooks', eventTypes: [] },
    ];
    for (const body of cases) {
      const response = await create(alice, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await endpointCount()).toBe(before);
  });

  it('allows at most 10 endpoints per account (the 11th is a 422, nothing written)', async () => {
    for (let i = 0; i < 10; i++) await createOk(bob, { url: `https://hooks.example.com/${i}` });
    const response = await create(bob, { url: 'https://hooks.example.com/11', eventTypes: ['*'] });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/At most 10/);
    const [row] = await db()<{ n: number }[]>`
      select count(*)::int as n from public.webhook_endpoints where user_id = ${bob.id}`;
    expect(row!.n).toBe(10);
    await db()`delete from public.webhook_endpoints where user_id = ${bob.id}`;
  });

  it('org endpoints belong to owners and admins: a plain member gets 403', async () => {
    const denied = await create(carol, { url: receiver.url, eventTypes: ['*'], orgId: org.id });
    expect(denied.status).toBe(403);
    const created = await createOk(alice, { orgId: org.id });
    const asMember = await (
      await listRoute(await request(`/api/webhooks/endpoints?orgId=${org.id}`, { user: carol }))
    ).json();
    expect(asMember).toEqual({ endpoints: [] });
    await db()`delete from public.webhook_endpoints where id = ${created.endpoint.id}`;
  });
});

describe('deliveries', () => {
  it('signs each delivery so that the README snippet verifies it', async () => {
    const { endpoint, secret } = await createOk(alice, {});
    expect((await sendTest(alice, endpoint.id)).status).toBe(202);
    const [hit] = await receiver.waitFor(1);
    const header = String(hit!.headers['tollgate-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(hit!.headers['tollgate-event-type']).toBe('webhook.test');
    const body = JSON.parse(hit!.body) as Record<string, unknown>;
    expect(hit!.headers['tollgate-event-id']).toBe(body.id);
    expect(Object.keys(body)).toEqual(['id', 'type', 'created_at', 'data']);

    expect(verifyTollgateSignature(hit!.body, header, secret)).toBe(true);
    expect(verifyTollgateSignature(hit!.body + ' ', header, secret)).toBe(false);
    expect(verifyTollgateSignature(hit!.body, header, 'whsec_wrong')).toBe(false);
    const old = header.replace(/t=\d+/, `t=${Math.floor(Date.now() / 1000) - 301}`);
    expect(verifyTollgateSignature(hit!.body, old, secret)).toBe(false);
    await db()`delete from public.webhook_endpoints where id = ${endpoint.id}`;
  });

  it('retries a failing receiver: 3 failures then success = one delivery, 4 attempts', async () => {
    const { endpoint } = await createOk(alice, {});
    receiver.failNext(3, 503);
    await sendTest(alice, endpoint.id);
    const [delivery] = await until(
      () => deliveriesOf(alice, endpoint.id),
      ([d]) => d?.status === 'succeeded',
    );
    expect(receiver.received.map((hit) => hit.answered)).toEqual([503, 503, 503, 200]);
    expect(delivery!.attempts.map((a) => [a.attempt, a.statusCode, a.succeeded])).toEqual([
      [1, 503, false],
      [2, 503, false],
      [3, 503, false],
      [4, 200, true],
    ]);
    const [row] = await db()<{ excerpt: string; error: string }[]>`
      select response_excerpt as excerpt, error from public.webhook_attempts a
      join public.webhook_deliveries d on d.id = a.delivery_id
      where d.endpoint_id = ${endpoint.id} and a.attempt = 1`;
    expect(Buffer.byteLength(row!.excerpt)).toBe(1024); // the receiver answered ~3 KB
    expect(row!.error).toMatch(/HTTP 503/);
    // The same event id every time: receivers can deduplicate.
    expect(new Set(receiver.received.map((hit) => hit.headers['tollgate-event-id'])).size).toBe(1);

    // Replay: a new delivery of the same event with its own successful attempt.
    const replayed = await replay(alice, delivery!.id);
    expect(replayed.status).toBe(202);
    const { deliveryId } = (await replayed.json()) as { deliveryId: string };
    const after = await until(
      () => deliveriesOf(alice, endpoint.id),
      (list) => list.find((d) => d.id === deliveryId)?.status === 'succeeded',
    );
    const copy = after.find((d) => d.id === deliveryId)!;
    expect(copy.replayOf).toBe(delivery!.id);
    expect(copy.attempts.map((a) => [a.attempt, a.statusCode, a.succeeded])).toEqual([
      [1, 200, true],
    ]);
    expect(receiver.received).toHaveLength(5);
    expect(receiver.received[4]!.headers['tollgate-event-id']).toBe(
      receiver.received[0]!.headers['tollgate-event-id'],
    );
    await db()`delete from public.webhook_endpoints where id = ${endpoint.id}`;
  });

  it('disables an endpoint after 5 failed deliveries in a row and notifies its managers', async () => {
    setRetryPolicy({ ...FAST, windowMs: 300 });
    try {
      receiver.failAlways(500);
      const { endpoint } = await createOk(alice, { orgId: org.id, eventTypes: ['balance.low'] });
      const [admin] = [await createUser('Org Admin')];
      await db()`insert into public.organization_members (org_id, user_id, role)
                 values (${org.id}, ${admin!.id}, 'admin')`;
      for (let i = 0; i < 5; i++) {
        await db()`select private.emit_event(null, ${org.id}, 'balance.low', ${db().json({ i })})`;
      }
      await dispatchWebhookEvents();
      const [state] = await until(
        () => db()<{ enabled: boolean; failed: number; reason: string }[]>`
          select enabled, failed_deliveries as failed, disabled_reason as reason
          from public.webhook_endpoints where id = ${endpoint.id}`,
        ([row]) => row?.enabled === false,
      );
      expect(state!.failed).toBe(5);
      expect(state!.reason).toMatch(/5 deliveries in a row failed/);
      const statuses = await db()`select status from public.webhook_deliveries
                                  where endpoint_id = ${endpoint.id}`;
      expect(statuses.map((row) => row.status)).toEqual(Array(5).fill('failed'));
      const notified = await db()<{ user_id: string; link: string }[]>`
        select user_id, link from public.notifications where kind = 'webhooks.endpoint_disabled'
        order by user_id`;
      expect(notified.map((row) => row.user_id).sort()).toEqual([alice.id, admin!.id].sort());
      expect(notified[0]!.link).toBe('/settings/webhooks');
      expect(notified.map((row) => row.user_id)).not.toContain(carol.id);

      // A disabled endpoint gets nothing new; re-enabling resets the count.
      await db()`select private.emit_event(null, ${org.id}, 'balance.low', '{}'::jsonb)`;
      await dispatchWebhookEvents();
      expect(statuses.length).toBe(5);
      const [count] = await db()<{ n: number }[]>`
        select count(*)::int as n from public.webhook_deliveries where endpoint_id = ${endpoint.id}`;
      expect(count!.n).toBe(5);
      const patched = await patchRoute(
        await request(`/api/webhooks/endpoints/${endpoint.id}`, {
          user: alice,
          method: 'PATCH',
          body: { enabled: true },
        }),
        routeParams({ id: endpoint.id }),
      );
      expect(await patched.json()).toMatchObject({
        endpoint: { enabled: true, failedDeliveries: 0, disabledReason: null },
      });
      await db()`delete from public.webhook_endpoints where id = ${endpoint.id}`;
    } finally {
      setRetryPolicy(FAST);
    }
  });
});

describe('fan-out', () => {
  it('matches subscriptions and never crosses users or orgs', async () => {
    const dave = await createUser('Dave Other');
    const all = await createOk(alice, { url: `${receiver.url}/alice-all`, eventTypes: ['*'] });
    const low = await createOk(alice, {
      url: `${receiver.url}/alice-low`,
      eventTypes: ['balance.low'],
    });
    const off = await createOk(alice, { url: `${receiver.url}/alice-off`, eventTypes: ['*'] });
    await db()`update public.webhook_endpoints set enabled = false where id = ${off.endpoint.id}`;
    const daves = await createOk(dave, {
      url: `${receiver.url}/dave`,
      eventTypes: ['credits.purchased'],
    });
    const orgs = await createOk(alice, {
      url: `${receiver.url}/org`,
      eventTypes: ['balance.low'],
      orgId: org.id,
    });

    const emit = async (userId: string | null, orgId: string | null, type: string) => {
      const [row] = await db()<{ id: string }[]>`
        select private.emit_event(${userId}, ${orgId}, ${type}, '{}'::jsonb) as id`;
      return row!.id;
    };
    const aliceLow = await emit(alice.id, null, 'balance.low');
    const alicePurchase = await emit(alice.id, null, 'credits.purchased');
    await emit(dave.id, null, 'balance.low');
    const orgLow = await emit(null, org.id, 'balance.low');
    await emit(null, org.id, 'credits.purchased');

    await dispatchWebhookEvents();
    const rows = await db()<{ endpoint_id: string; event_id: string }[]>`
      select endpoint_id, event_id from public.webhook_deliveries
      where endpoint_id in ${db()([all, low, off, daves, orgs].map((c) => c.endpoint.id))}`;
    const pairs = rows.map((row) => `${row.endpoint_id}:${row.event_id}`).sort();
    expect(pairs).toEqual(
      [
        `${all.endpoint.id}:${aliceLow}`,
        `${all.endpoint.id}:${alicePurchase}`,
        `${low.endpoint.id}:${aliceLow}`,
        `${orgs.endpoint.id}:${orgLow}`,
      ].sort(),
    );
    const [pending] = await db()<{ n: number }[]>`
      select count(*)::int as n from public.events where dispatched_at is null`;
    expect(pending!.n).toBe(0);
    // A second dispatch finds nothing new and creates nothing twice.
    expect(await dispatchWebhookEvents()).toMatchObject({ events: 0, deliveries: 0 });
    await receiver.waitFor(4);
    expect(receiver.received.map((hit) => hit.path).sort()).toEqual(
      ['/hooks/alice-all', '/hooks/alice-all', '/hooks/alice-low', '/hooks/org'].sort(),
    );
    await db()`delete from public.webhook_endpoints`;
  });
});

describe('row-level security', () => {
  it('another user cannot see, change, test or replay your endpoints and deliveries (404)', async () => {
    const { endpoint } = await createOk(alice, {});
    await sendTest(alice, endpoint.id);
    const [delivery] = await until(
      () => deliveriesOf(alice, endpoint.id),
      ([d]) => d?.status === 'succeeded',
    );
    const listed = await (
      await listRoute(await request('/api/webhooks/endpoints', { user: bob }))
    ).json();
    expect(listed).toEqual({ endpoints: [] });
    expect((await deliveries(bob, endpoint.id)).status).toBe(404);
    expect((await replay(bob, delivery!.id)).status).toBe(404);
    expect((await sendTest(bob, endpoint.id)).status).toBe(404);
    const patched = await patchRoute(
      await request(`/api/webhooks/endpoints/${endpoint.id}`, {
        user: bob,
        method: 'PATCH',
        body: { enabled: false },
      }),
      routeParams({ id: endpoint.id }),
    );
    expect(patched.status).toBe(404);
    const deleted = await deleteRoute(
      await request(`/api/webhooks/endpoints/${endpoint.id}`, { user: bob, method: 'DELETE' }),
      routeParams({ id: endpoint.id }),
    );
    expect(deleted.status).toBe(404);
    const [row] = await db()<{ enabled: boolean; deliveries: number }[]>`
      select w.enabled, (select count(*)::int from public.webhook_deliveries d
                         where d.endpoint_id = w.id) as deliveries
      from public.webhook_endpoints w where w.id = ${endpoint.id}`;
    expect(row).toEqual({ enabled: true, deliveries: 1 });
    // Not even the ciphertext column is readable by a signed-in user.
    await expect(
      db().begin(async (tx) => {
        await tx`select set_config('role', 'authenticated', true),
          set_config('request.jwt.claims', ${JSON.stringify({ sub: alice.id, role: 'authenticated' })}, true)`;
        return tx`select secret_ciphertext from public.webhook_endpoints`;
      }),
    ).rejects.toMatchObject({ code: '42501' });
  });
});

describe('rules', () => {
  it('https everywhere; http only to 127.0.0.1/localhost outside production', () => {
    expect(webhookUrlProblem('https://hooks.example.com/x', 'production')).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:4000/x', 'development')).toBeNull();
    expect(webhookUrlProblem('http://localhost/x', 'test')).toBeNull();
    expect(webhookUrlProblem('http://localhost/x', 'production')).toMatch(/https/);
    expect(webhookUrlProblem('http://10.0.0.1/x', 'development')).toMatch(/https/);
    expect(webhookUrlProblem('https://127.0.0.1/x', 'production')).toMatch(/public host/);
    expect(webhookUrlProblem('https://192.168.1.10/x', 'production')).toMatch(/public host/);
    expect(webhookUrlProblem('https://[::1]/x', 'production')).toMatch(/public host/);
  });

  it('backs off 30 s, 1 min, 2 min … capped at 1 h, with jitter, for 24 h after the first attempt', () => {
    const none = () => 0;
    const delays = [1, 2, 3, 4, 7, 8, 20].map((n) => retryDelayMs(n, DEFAULT_RETRY_POLICY, none));
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000]);
    const jittered = retryDelayMs(1, DEFAULT_RETRY_POLICY, () => 1);
    expect(jittered).toBe(24_000); // at most 20 % earlier, never later
    const first = new Date('2026-01-01T00:00:00Z');
    const almostDay = new Date(first.getTime() + 23.5 * 3_600_000); // + ≥ 48 min > 24 h
    expect(
      nextAttemptAt(5, first, new Date(first.getTime() + 60_000), DEFAULT_RETRY_POLICY),
    ).not.toBeNull();
    expect(nextAttemptAt(30, first, almostDay, DEFAULT_RETRY_POLICY)).toBeNull();
  });
});

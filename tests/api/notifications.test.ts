import { beforeAll, describe, expect, it } from 'vitest';
import { GET as listRoute } from '../../app/api/notifications/route';
import { POST as readRoute } from '../../app/api/notifications/read/route';
import { GET as alertsRoute } from '../../app/api/alerts/route';
import { GET as getSettings, PUT as putSettings } from '../../app/api/alerts/settings/route';
import { spendCredits } from '../../lib/credits';
import { createOrg, createUser, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, grant, walletOf } from '../helpers/ledger';

/**
 * The notifications and alerts API against the real database: listing with unread counts and
 * keyset pages, marking one or all read (never someone else's), alert settings with validation
 * (a bad body is 422 and writes nothing), org settings for owners only, and a refused spend
 * recorded as an alert by the error path.
 */

let ada: TestUser, stranger: TestUser, owner: TestUser, member: TestUser;
let wallet: string;
let org: { id: string; slug: string };

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

beforeAll(async () => {
  ada = await createUser('Ada');
  stranger = await createUser('Stranger');
  owner = await createUser('Owner');
  member = await createUser('Member');
  org = await createOrg(owner, [{ user: member, role: 'member' }]);
  wallet = await walletOf({ userId: ada.id });
  await grant(wallet, 10n * CREDIT);
  // 9 of 10 credits: 80 % used and below the 5-credit low balance, two notifications.
  await spendCredits(ada.session, {
    walletId: wallet,
    amount: 9n * CREDIT,
    category: 'ai_usage',
    idempotencyKey: 'nine',
  });
});

describe('GET /api/notifications', () => {
  it('lists your notifications with the unread count, newest first, in keyset pages', async () => {
    const response = await listRoute(await request('/api/notifications', { user: ada }));
    expect(response.status).toBe(200);
    const body = await json(response);
    const items = body.items as { id: string; kind: string; readAt: string | null }[];
    expect(items.map((item) => item.kind).sort()).toEqual(['balance.low', 'balance.threshold']);
    expect(body.unreadCount).toBe(2);
    expect(body.nextBefore).toBeNull();
    expect(BigInt(items[0]!.id)).toBeGreaterThan(BigInt(items[1]!.id));

    const first = await json(
      await listRoute(await request('/api/notifications?limit=1', { user: ada })),
    );
    expect((first.items as unknown[]).length).toBe(1);
    expect(first.nextBefore).toBe(items[0]!.id);
    const second = await json(
      await listRoute(
        await request(`/api/notifications?limit=1&before=${String(first.nextBefore)}`, {
          user: ada,
        }),
      ),
    );
    expect((second.items as { id: string }[]).map((item) => item.id)).toEqual([items[1]!.id]);

    const strangers = await json(
      await listRoute(await request('/api/notifications', { user: stranger })),
    );
    expect(strangers).toEqual({ items: [], unreadCount: 0, nextBefore: null });
  });

  it('refuses bad queries and anonymous callers', async () => {
    const bad = await listRoute(await request('/api/notifications?limit=0', { user: ada }));
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(
      (await listRoute(await request('/api/notifications?unread=yes', { user: ada }))).status,
    ).toBe(422);
    expect((await listRoute(await request('/api/notifications'))).status).toBe(401);
  });
});

describe('POST /api/notifications/read', () => {
  it('marks one, then all, and never someone else’s', async () => {
    const [newest, older] = await db()<{ id: bigint }[]>`
      select id from public.notifications where user_id = ${ada.id} order by id desc`;
    const byStranger = await readRoute(
      await request('/api/notifications/read', {
        user: stranger,
        body: { ids: [String(newest!.id)] },
      }),
    );
    expect(await json(byStranger)).toEqual({ updated: 0, unreadCount: 0 });

    const one = await readRoute(
      await request('/api/notifications/read', { user: ada, body: { ids: [String(newest!.id)] } }),
    );
    expect(one.status).toBe(200);
    expect(await json(one)).toEqual({ updated: 1, unreadCount: 1 });
    const unread = await json(
      await listRoute(await request('/api/notifications?unread=1', { user: ada })),
    );
    expect((unread.items as { id: string }[]).map((item) => item.id)).toEqual([String(older!.id)]);

    for (const body of [
      { ids: [] },
      { all: false },
      { ids: ['abc'] },
      {},
      { all: true, ids: ['1'] },
    ]) {
      const bad = await readRoute(await request('/api/notifications/read', { user: ada, body }));
      expect(bad.status).toBe(422);
    }
    const all = await readRoute(
      await request('/api/notifications/read', { user: ada, body: { all: true } }),
    );
    expect(await json(all)).toEqual({ updated: 1, unreadCount: 0 });
    const rows = await db()`select read_at from public.notifications where user_id = ${ada.id}`;
    expect(rows.every((row) => row.read_at !== null)).toBe(true);
  });
});

describe('/api/alerts/settings', () => {
  it('reads the defaults, refuses bad thresholds with 422 writing nothing, saves good ones', async () => {
    const initial = await json(
      await getSettings(await request('/api/alerts/settings', { user: ada })),
    );
    expect(initial).toMatchObject({
      walletId: wallet,
      enabled: true,
      thresholds: [80, 95, 100],
      lowBalance: '5000000',
      periodGrant: '10000000',
      available: '1000000',
    });

    const bodies = [
      { enabled: true, thresholds: [0, 50], lowBalance: '0' },
      { enabled: true, thresholds: [101], lowBalance: '0' },
      { enabled: true, thresholds: [50, 50], lowBalance: '0' },
      { enabled: true, thresholds: [12.5], lowBalance: '0' },
      { enabled: true, thresholds: Array.from({ length: 11 }, (_, i) => i + 1), lowBalance: '0' },
      { enabled: true, thresholds: [50], lowBalance: '-1' },
      { enabled: 'yes', thresholds: [50], lowBalance: '0' },
      { enabled: true, thresholds: '50', lowBalance: '0' },
    ];
    for (const body of bodies) {
      const response = await putSettings(
        await request('/api/alerts/settings', { method: 'PUT', user: ada, body }),
      );
      expect(response.status).toBe(422);
      expect((await json(response)).code).toBe('validation_failed');
    }
    expect(await db()`select * from public.alert_settings`).toEqual([]);

    const saved = await putSettings(
      await request('/api/alerts/settings', {
        method: 'PUT',
        user: ada,
        body: { enabled: true, thresholds: [90, 50], lowBalance: '2000000' },
      }),
    );
    expect(saved.status).toBe(200);
    expect(await json(saved)).toMatchObject({ thresholds: [50, 90], lowBalance: '2000000' });
    const [row] = await db()`
      select thresholds, low_balance, updated_by from public.alert_settings where account_id = ${wallet}`;
    expect(row).toEqual({ thresholds: [50, 90], low_balance: 2_000_000n, updated_by: ada.id });
  });

  it('org settings: owners manage them, plain members and strangers get 404', async () => {
    const url = `/api/alerts/settings?orgId=${org.id}`;
    const body = { enabled: false, thresholds: [75], lowBalance: 0 };
    const put = await putSettings(await request(url, { method: 'PUT', user: owner, body }));
    expect(put.status).toBe(200);
    expect(await json(put)).toMatchObject({ enabled: false, thresholds: [75], lowBalance: '0' });
    for (const user of [member, stranger]) {
      expect((await getSettings(await request(url, { user }))).status).toBe(404);
      expect((await putSettings(await request(url, { method: 'PUT', user, body }))).status).toBe(
        404,
      );
    }
    const orgWallet = await walletOf({ orgId: org.id });
    const [row] =
      await db()`select enabled from public.alert_settings where account_id = ${orgWallet}`;
    expect(row).toEqual({ enabled: false });
    expect(
      (await getSettings(await request('/api/alerts/settings?orgId=nope', { user: owner }))).status,
    ).toBe(422);
  });
});

describe('GET /api/alerts and refused spends', () => {
  it('lists your alerts; a refused spend is recorded once a day', async () => {
    const refused = () =>
      spendCredits(ada.session, {
        walletId: wallet,
        amount: 50n * CREDIT,
        category: 'ai_usage',
        idempotencyKey: `too-much-${Math.random()}`,
      }).then(
        () => 'ok',
        (error: { code?: string }) => error.code,
      );
    expect(await refused()).toBe('insufficient_credits');
    // Recorded in the background, in a transaction of its own.
    const count = async () => {
      const [row] = await db()`
        select count(*)::int as n from public.alerts where account_id = ${wallet} and kind = 'spend.refused'`;
      return row!.n as number;
    };
    for (let i = 0; i < 50 && (await count()) === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await count()).toBe(1);
    expect(await refused()).toBe('insufficient_credits');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await count()).toBe(1);

    const response = await alertsRoute(await request('/api/alerts', { user: ada }));
    expect(response.status).toBe(200);
    const body = await json(response);
    expect((body.items as { kind: string }[]).map((item) => item.kind).sort()).toEqual([
      'balance.low',
      'balance.threshold',
      'spend.refused',
    ]);
    const [refusal] = (body.items as { kind: string; data: Record<string, string> }[]).filter(
      (item) => item.kind === 'spend.refused',
    );
    expect(refusal!.data).toMatchObject({ needed: '50000000', available: '1000000' });
    const strangers = await json(
      await alertsRoute(await request('/api/alerts', { user: stranger })),
    );
    expect(strangers).toEqual({ items: [], nextBefore: null });
  });
});

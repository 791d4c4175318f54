import { beforeAll, describe, expect, it } from 'vitest';
import { GET as summary } from '../../app/api/credits/route';
import { GET as history } from '../../app/api/credits/history/route';
import { GET as usage } from '../../app/api/credits/usage/route';
import { POST as transfer } from '../../app/api/credits/transfer/route';
import { GET as orgSummary } from '../../app/api/orgs/[orgId]/credits/route';
import { GET as orgHistory } from '../../app/api/orgs/[orgId]/credits/history/route';
import { GET as orgUsage } from '../../app/api/orgs/[orgId]/credits/usage/route';
import { spendCredits } from '../../lib/credits';
import {
  createOrg,
  createUser,
  db,
  request,
  routeParams,
  type TestUser,
} from '../helpers/fixtures';
import { CREDIT, grant, ledgerCheck, walletOf } from '../helpers/ledger';

let owner: TestUser, member: TestUser, stranger: TestUser;
let org: { id: string };
let personal: string;

beforeAll(async () => {
  owner = await createUser('Owner');
  member = await createUser('Member');
  stranger = await createUser('Stranger');
  org = await createOrg(owner, [{ user: member, role: 'member' }]);
  personal = await walletOf({ userId: owner.id });
  await grant(personal, 100n * CREDIT);
  await grant(personal, 10n * CREDIT, {
    source: 'promo',
    expiresAt: new Date(Date.now() + 10 * 86_400_000),
  });
  for (let i = 0; i < 30; i += 1) {
    await spendCredits(owner.session, {
      walletId: personal,
      amount: BigInt(i + 1) * 10_000n,
      category: i % 3 === 0 ? 'marketplace' : 'ai_usage',
      idempotencyKey: `seed-${i}`,
      description: `Call ${i}`,
    });
  }
});

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;
const spentTotal = (BigInt(30 * 31) / 2n) * 10_000n;

describe('GET /api/credits', () => {
  it('the personal wallet summary, amounts as exact strings', async () => {
    const response = await summary(await request('/api/credits', { user: owner }));
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      walletId: personal,
      kind: 'user_wallet',
      available: (110n * CREDIT - spentTotal).toString(),
      pending: '0',
      expiringSoon: (10n * CREDIT - spentTotal).toString(), // the promo burns first
      frozen: false,
    });
  });

  it('401 without a session', async () => {
    expect((await summary(await request('/api/credits'))).status).toBe(401);
  });
});

describe('GET /api/credits/history', () => {
  it('pages through every transaction with a keyset cursor, newest first, no overlap', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await history(
        await request(`/api/credits/history?limit=7${cursor ? `&cursor=${cursor}` : ''}`, {
          user: owner,
        }),
      );
      expect(response.status).toBe(200);
      const page = (await response.json()) as {
        items: { id: string }[];
        nextCursor: string | null;
      };
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(32); // 2 grants + 30 spends
    expect(new Set(seen).size).toBe(32);
    expect([...seen].map(BigInt)).toEqual([...seen].map(BigInt).sort((a, b) => (a > b ? -1 : 1)));
  });

  it('filters by type, category and direction with signed amounts', async () => {
    const response = await history(
      await request('/api/credits/history?type=spend&category=marketplace&limit=100', {
        user: owner,
      }),
    );
    const page = (await response.json()) as {
      items: { amount: string; category: string; direction: string }[];
    };
    expect(page.items).toHaveLength(10);
    expect(
      page.items.every(
        (item) =>
          item.category === 'marketplace' &&
          item.direction === 'debit' &&
          item.amount.startsWith('-'),
      ),
    ).toBe(true);
    const credits = await history(
      await request('/api/credits/history?direction=credit', { user: owner }),
    );
    expect(((await credits.json()) as { items: unknown[] }).items).toHaveLength(2);
  });

  it.each([
    ['type=theft', 'query.type'],
    ['category=food', 'query.category'],
    ['limit=0', 'query.limit'],
    ['from=yesterday-ish', 'query.from'],
    ['cursor=bm9wZQ', 'query.cursor'],
  ])('422 for %s', async (query, path) => {
    const response = await history(await request(`/api/credits/history?${query}`, { user: owner }));
    expect(response.status).toBe(422);
    expect(String((await json(response)).detail)).toContain(path);
  });
});

describe('GET /api/credits/usage', () => {
  it('totals by category and a gap-free daily series', async () => {
    const response = await usage(await request('/api/credits/usage?period=7d', { user: owner }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      total: string;
      byCategory: { category: string; amount: string }[];
      daily: { total: string }[];
    };
    expect(body.total).toBe(spentTotal.toString());
    expect(body.daily).toHaveLength(7);
    expect(body.daily.reduce((sum, day) => sum + BigInt(day.total), 0n)).toBe(spentTotal);
    expect(body.byCategory.map((row) => row.category).sort()).toEqual(['ai_usage', 'marketplace']);
  });

  it('422 for an unknown period', async () => {
    expect(
      (await usage(await request('/api/credits/usage?period=1y', { user: owner }))).status,
    ).toBe(422);
  });
});

describe('POST /api/credits/transfer', () => {
  const toOrg = (amount: unknown, key?: string, user = owner) =>
    request('/api/credits/transfer', {
      user,
      body: { to: { orgId: org.id }, amount },
      headers: key ? { 'idempotency-key': key } : {},
    });

  it('moves personal credits into the org once, however often it is retried', async () => {
    const first = await transfer(await toOrg(5 * 1_000_000, 'move-1'));
    expect(first.status).toBe(200);
    const body = await json(first);
    // The retry gets the first answer back, as it was, marked as a replay.
    const retry = await transfer(await toOrg(5 * 1_000_000, 'move-1'));
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await json(retry)).toEqual(body);
    const org = await json(
      await orgSummary(await request('/x', { user: member }), routeParams({ orgId: orgId() })),
    );
    expect(org.available).toBe((5n * CREDIT).toString());
  });

  it('409 for the same key with another amount, and nothing moves', async () => {
    const response = await transfer(await toOrg(6 * 1_000_000, 'move-1'));
    expect(response.status).toBe(409);
    expect(await json(response)).toMatchObject({ code: 'idempotency_conflict' });
  });

  it('402 with needed and available when short', async () => {
    const response = await transfer(await toOrg(1_000 * 1_000_000, 'move-2'));
    expect(response.status).toBe(402);
    const body = await json(response);
    expect(body).toMatchObject({
      code: 'insufficient_credits',
      needed: (1000n * CREDIT).toString(),
    });
    expect(BigInt(String(body.available))).toBeGreaterThan(0n);
  });

  it('422 without an Idempotency-Key, for fractions, zero and amounts beyond 2^53', async () => {
    for (const [amount, key] of [
      [5, undefined],
      [1.5, 'k-frac'],
      [0, 'k-zero'],
      [2 ** 53 + 2, 'k-big'],
      ['12abc', 'k-str'],
    ] as const) {
      const response = await transfer(await toOrg(amount, key));
      expect(response.status, `${amount}`).toBe(422);
    }
  });

  it('403 when a plain member pays out of the org wallet', async () => {
    const response = await transfer(
      await request('/api/credits/transfer', {
        user: member,
        body: { from: { orgId: org.id }, to: { userId: member.id }, amount: 1 },
        headers: { 'idempotency-key': 'm-1' },
      }),
    );
    expect(response.status).toBe(403);
  });

  it('leaves the books balanced', async () => {
    expect(await ledgerCheck()).toEqual([]);
  });
});

function orgId() {
  return org.id;
}

describe('/api/orgs/[orgId]/credits/*', () => {
  it('members read the org wallet, its history and usage', async () => {
    expect(
      (await orgSummary(await request('/x', { user: member }), routeParams({ orgId: org.id })))
        .status,
    ).toBe(200);
    const page = (await (
      await orgHistory(await request('/x', { user: member }), routeParams({ orgId: org.id }))
    ).json()) as { items: { kind: string }[] };
    expect(page.items.map((item) => item.kind)).toEqual(['transfer']);
    expect(
      (
        await orgUsage(
          await request('/x?period=30d', { user: member }),
          routeParams({ orgId: org.id }),
        )
      ).status,
    ).toBe(200);
  });

  it('404 to non-members, 422 for a malformed id', async () => {
    for (const handler of [orgSummary, orgHistory, orgUsage]) {
      expect(
        (await handler(await request('/x', { user: stranger }), routeParams({ orgId: org.id })))
          .status,
      ).toBe(404);
      expect(
        (await handler(await request('/x', { user: member }), routeParams({ orgId: 'acme' })))
          .status,
      ).toBe(422);
    }
  });

  it('no API role can read another wallet through the org routes', async () => {
    const [row] =
      await db()`select count(*)::int as n from public.transfers where credit_account_id = ${personal}`;
    expect(row!.n).toBe(2);
  });
});

describe('keyset pagination with equal timestamps', () => {
  it('never skips rows written in the same transaction (same microsecond)', async () => {
    const busy = await createUser('Busy');
    const wallet = await walletOf({ userId: busy.id });
    await grant(wallet, 100n * CREDIT);
    await db().begin(async (tx) => {
      for (let i = 0; i < 30; i += 1) {
        await tx`select public.credit_spend(${wallet}, 1000, 'ai_usage', ${`same-${i}`})`;
      }
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await history(
        await request(
          `/api/credits/history?type=spend&limit=7${cursor ? `&cursor=${cursor}` : ''}`,
          {
            user: busy,
          },
        ),
      );
      const page = (await response.json()) as {
        items: { id: string }[];
        nextCursor: string | null;
      };
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(30);
  });
});

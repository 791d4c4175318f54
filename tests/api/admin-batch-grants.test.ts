import { beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as batch } from '../../app/api/admin/credits/batch/route';
import { startLocalSession } from '../../lib/auth/local-sessions';
import { createOrg, createUser, db, request, type TestUser } from '../helpers/fixtures';
import { available, CREDIT, grant, ledgerCheck, walletOf } from '../helpers/ledger';

/**
 * Batch credit operations (POST /api/admin/credits/batch and the grants page's action): all rows
 * or none, idempotent per row, user and org wallets, adjustments never below zero, 403 for
 * anyone but a platform admin.
 */

let cookieJar: { name: string; value: string }[] = [];
vi.mock('next/headers', () => ({ cookies: async () => ({ getAll: () => cookieJar }) }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

const { batchGrantAction } = await import('../../app/(admin)/admin/grants/batch-actions');

let admin: TestUser, alice: TestUser, bob: TestUser, plain: TestUser;
let org: { id: string; slug: string };
let aliceWallet: string, bobWallet: string, orgWallet: string;

beforeAll(async () => {
  admin = await createUser('Batch Admin');
  alice = await createUser('Alice');
  bob = await createUser('Bob');
  plain = await createUser('Plain');
  await db()`update public.profiles set is_platform_admin = true where id = ${admin.id}`;
  org = await createOrg(bob);
  aliceWallet = await walletOf({ userId: alice.id });
  bobWallet = await walletOf({ userId: bob.id });
  orgWallet = await walletOf({ orgId: org.id });
});

async function transferCount(): Promise<bigint> {
  const [row] = await db()<
    { count: bigint }[]
  >`select count(*)::bigint as count from public.transfers`;
  return row!.count;
}

async function balances(): Promise<bigint[]> {
  return Promise.all([aliceWallet, bobWallet, orgWallet].map((wallet) => available(wallet)));
}

async function postJson(user: TestUser | undefined, body: unknown, headers = {}) {
  return batch(await request('/api/admin/credits/batch', { user, body, headers }));
}

async function postCsv(user: TestUser, csv: string, query = '?reason=CSV%20batch') {
  return batch(
    await request(`/api/admin/credits/batch${query}`, {
      user,
      body: csv,
      headers: { 'content-type': 'text/csv' },
    }),
  );
}

interface RowResult {
  row: number;
  walletId: string;
  target: string;
  amount: string;
  transferId: string;
  replayed: boolean;
}

describe('JSON batch', () => {
  it('grants to user and org wallets as audited admin lots, then replays the same batch', async () => {
    const before = await balances();
    const body = {
      reason: 'Beta cohort credits',
      rows: [
        { email: alice.email, credits: '10' },
        { orgSlug: org.slug, credits: 25.5, expiresAt: '2030-01-31' },
        { wallet: bobWallet, credits: '1.25', key: 'bob-beta-1' },
      ],
    };
    const response = await postJson(admin, body);
    expect(response.status).toBe(200);
    const result = (await response.json()) as {
      batchKey: string;
      rows: RowResult[];
      granted: string;
    };
    expect(result.granted).toBe(36_750_000n.toString());
    expect(result.rows.map((row) => [row.row, row.walletId, row.amount, row.replayed])).toEqual([
      [1, aliceWallet, '10000000', false],
      [2, orgWallet, '25500000', false],
      [3, bobWallet, '1250000', false],
    ]);
    expect(await balances()).toEqual([
      before[0]! + 10n * CREDIT,
      before[1]! + 1_250_000n,
      before[2]! + 25_500_000n,
    ]);

    const transfers = await db()<
      {
        kind: string;
        description: string;
        actor_id: string;
        metadata: Record<string, unknown>;
        idempotency_key: string;
        expires_at: Date | null;
        source: string;
      }[]
    >`
      select t.kind, t.description, t.actor_id, t.metadata, t.idempotency_key, l.expires_at, l.source
      from public.transfers t join public.lots l on l.origin_transfer_id = t.id
      where t.id = any(${result.rows.map((row) => row.transferId)}::bigint[]) order by t.id`;
    expect(transfers).toHaveLength(3);
    for (const [index, transfer] of transfers.entries()) {
      expect(transfer).toMatchObject({
        kind: 'grant',
        source: 'admin',
        description: 'Beta cohort credits',
        actor_id: admin.id,
        metadata: { reason: 'Beta cohort credits', grantedBy: admin.id, row: index + 1 },
      });
    }
    expect(transfers[1]!.expires_at?.toISOString()).toBe('2030-01-31T00:00:00.000Z');
    expect(transfers[2]!.idempotency_key).toBe('admin-batch:key:bob-beta-1');

    // The same batch again: every row replays, nothing moves.
    const count = await transferCount();
    const again = await postJson(admin, body);
    expect(again.status).toBe(200);
    const replay = (await again.json()) as { batchKey: string; rows: RowResult[]; granted: string };
    expect(replay.batchKey).toBe(result.batchKey);
    expect(replay.granted).toBe('0');
    expect(replay.rows.map((row) => [row.transferId, row.replayed])).toEqual(
      result.rows.map((row) => [row.transferId, true]),
    );
    expect(await transferCount()).toBe(count);
    expect(await balances()).toEqual([
      before[0]! + 10n * CREDIT,
      before[1]! + 1_250_000n,
      before[2]! + 25_500_000n,
    ]);

    // A row with an explicit key is applied once even inside another batch.
    const other = await postJson(admin, {
      reason: 'Another batch',
      batchKey: 'second-batch',
      rows: [{ wallet: bobWallet, credits: '1.25', key: 'bob-beta-1' }],
    });
    expect(((await other.json()) as { rows: RowResult[] }).rows[0]).toMatchObject({
      transferId: result.rows[2]!.transferId,
      replayed: true,
    });
    expect(await ledgerCheck()).toEqual([]);
  });

  it('one bad row changes nothing and names the row', async () => {
    const before = await balances();
    const count = await transferCount();
    const response = await postJson(admin, {
      reason: 'Half good',
      rows: [
        { email: alice.email, credits: '5' },
        { orgSlug: org.slug, credits: '5' },
        { email: 'nobody@example.test', credits: '5' },
      ],
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { detail: string; row: number; code: string };
    expect(problem).toMatchObject({ code: 'validation_failed', row: 3 });
    expect(problem.detail).toMatch(/^Row 3: .*nobody@example\.test/);
    expect(await transferCount()).toBe(count);
    expect(await balances()).toEqual(before);

    const invalid = await postJson(admin, {
      reason: 'Bad amount',
      rows: [
        { email: alice.email, credits: '5' },
        { email: alice.email, credits: 'five' },
      ],
    });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({
      row: 2,
      detail: expect.stringMatching(/^Row 2:/),
    });

    const noReason = await postJson(admin, {
      reason: ' ',
      rows: [{ email: alice.email, credits: 1 }],
    });
    expect(noReason.status).toBe(422);
    const tooMany = await postJson(admin, {
      reason: 'Too many',
      rows: Array.from({ length: 5_001 }, () => ({ email: alice.email, credits: 1 })),
    });
    expect(tooMany.status).toBe(422);
    expect(await transferCount()).toBe(count);
    expect(await balances()).toEqual(before);
  });

  it('negative credits take credits back, never below zero (else the whole batch fails)', async () => {
    await grant(aliceWallet, 3n * CREDIT);
    const before = await balances();
    const count = await transferCount();

    const tooMuch = await postJson(admin, {
      reason: 'Correction',
      rows: [
        { orgSlug: org.slug, credits: '1' },
        { email: alice.email, credits: `-${(before[0]! + 1n * CREDIT) / CREDIT}` },
      ],
    });
    expect(tooMuch.status).toBe(422);
    expect(await tooMuch.json()).toMatchObject({
      row: 2,
      detail: expect.stringMatching(/^Row 2: Insufficient credits/),
    });
    expect(await transferCount()).toBe(count);
    expect(await balances()).toEqual(before);

    const ok = await postJson(admin, {
      reason: 'Correction',
      rows: [{ email: alice.email, credits: '-2.5' }],
    });
    expect(ok.status).toBe(200);
    const result = (await ok.json()) as { rows: RowResult[]; adjusted: string };
    expect(result).toMatchObject({ adjusted: '2500000', rows: [{ amount: '-2500000' }] });
    expect(await available(aliceWallet)).toBe(before[0]! - 2_500_000n);
    const [transfer] = await db()<
      { kind: string; credit_account_id: string; debit_account_id: string }[]
    >`
      select kind, debit_account_id, credit_account_id from public.transfers
      where id = ${result.rows[0]!.transferId}`;
    expect(transfer).toMatchObject({ kind: 'adjustment', debit_account_id: aliceWallet });

    const replay = await postJson(admin, {
      reason: 'Correction',
      rows: [{ email: alice.email, credits: '-2.5' }],
    });
    expect(((await replay.json()) as { rows: RowResult[] }).rows[0]!.replayed).toBe(true);
    expect(await available(aliceWallet)).toBe(before[0]! - 2_500_000n);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('applies a large batch in one request', async () => {
    const before = await balances();
    const wallets = [aliceWallet, bobWallet, orgWallet];
    const response = await postJson(admin, {
      reason: 'Large batch',
      batchKey: 'large-batch-1',
      rows: Array.from({ length: 600 }, (_, index) => ({
        wallet: wallets[index % 3],
        credits: '0.01',
      })),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { rows: RowResult[] }).rows).toHaveLength(600);
    expect(await balances()).toEqual(before.map((balance) => balance + 2n * CREDIT));
  });

  it('is 403 for a signed-in non-admin and 401 without a session; nothing written', async () => {
    const count = await transferCount();
    const body = { reason: 'Mine', rows: [{ email: plain.email, credits: '100' }] };
    const denied = await postJson(plain, body);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ code: 'forbidden' });
    const csv = await postCsv(plain, `email,credits\n${plain.email},100`);
    expect(csv.status).toBe(403);
    expect((await postJson(undefined, body)).status).toBe(401);
    expect(await transferCount()).toBe(count);
  });
});

describe('CSV batch', () => {
  it('grants from a CSV with the reason in the query, replays the same file', async () => {
    const before = await balances();
    const csv = `email,org,credits,expires_at,key\r\n${alice.email},,2,,\r\n,${org.slug},"1,000",,\r\n`;
    const response = await postCsv(admin, csv);
    expect(response.status).toBe(200);
    const result = (await response.json()) as { rows: RowResult[] };
    expect(result.rows.map((row) => [row.target, row.amount, row.replayed])).toEqual([
      [alice.email, '2000000', false],
      [org.slug, '1000000000', false],
    ]);
    const after = await balances();
    expect(after[0]).toBe(before[0]! + 2n * CREDIT);
    expect(after[2]).toBe(before[2]! + 1_000n * CREDIT);

    const again = await postCsv(admin, csv);
    expect(((await again.json()) as { rows: RowResult[] }).rows.every((row) => row.replayed)).toBe(
      true,
    );
    expect(await balances()).toEqual(after);
  });

  it('a bad CSV is a 422 naming the row, and nothing is written', async () => {
    const count = await transferCount();
    const before = await balances();
    const cases: [string, number, RegExp][] = [
      [`email,amount\n${alice.email},5`, 0, /Unknown column “amount”/],
      [`email\n${alice.email}`, 0, /credits/],
      [`email,credits\n${alice.email},5\n${alice.email},5x`, 2, /^Row 2: .*5x/],
      [
        `email,credits\n${alice.email},5\n${alice.email},5\nghost@example.test,1`,
        3,
        /^Row 3: No wallet/,
      ],
      [`email,credits\n${alice.email},5,extra`, 1, /^Row 1: Expected 2 fields/],
      [`org,credits,expires_at\n${org.slug},-1,2030-01-01`, 1, /^Row 1: .*no expiry/],
    ];
    for (const [csv, row, detail] of cases) {
      const response = await postCsv(admin, csv);
      expect(response.status, csv).toBe(422);
      const problem = (await response.json()) as { row: number; detail: string };
      expect(problem.row, csv).toBe(row);
      expect(problem.detail, csv).toMatch(detail);
    }
    const noReason = await postCsv(admin, `email,credits\n${alice.email},5`, '');
    expect(noReason.status).toBe(422);
    expect(await transferCount()).toBe(count);
    expect(await balances()).toEqual(before);
  });
});

describe('batchGrantAction', () => {
  it('applies a CSV as the signed-in admin and refuses a non-admin with 403', async () => {
    const before = await available(bobWallet);
    cookieJar = [
      {
        name: 'tollgate-session',
        value: await startLocalSession({ id: admin.id, email: admin.email }),
      },
    ];
    const ok = await batchGrantAction({
      reason: 'From the page',
      csv: `email,credits\n${bob.email},4`,
    });
    expect(ok).toMatchObject({
      ok: true,
      data: { granted: '4000000', rows: [{ replayed: false }] },
    });
    expect(await available(bobWallet)).toBe(before + 4n * CREDIT);

    const bad = await batchGrantAction({
      reason: 'From the page',
      csv: `email,credits\n${bob.email},-99999`,
    });
    expect(bad).toMatchObject({ ok: false, error: { status: 422, row: 1 } });

    cookieJar = [
      {
        name: 'tollgate-session',
        value: await startLocalSession({ id: plain.id, email: plain.email }),
      },
    ];
    const denied = await batchGrantAction({
      reason: 'Mine',
      csv: `email,credits\n${plain.email},4`,
    });
    expect(denied).toMatchObject({ ok: false, error: { status: 403 } });
    expect(await available(bobWallet)).toBe(before + 4n * CREDIT);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { reserveCredits, settleHold, spendCredits, voidHold } from '../../lib/credits';
import { groupCommit } from '../../lib/db/group-commit';
import { as, claimsFor, createUser, db, outcome, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, fundedUser, ledgerCheck } from '../helpers/ledger';

/**
 * Group commit: concurrent value moves of one process go to the database together, in one
 * credit_batch call and one transaction, and each caller still gets exactly its own answer.
 */

type Settled<T> = PromiseSettledResult<T>;
const codeOf = (result: Settled<unknown>) =>
  result.status === 'fulfilled' ? 'ok' : ((result.reason as { code?: string }).code ?? 'error');

/**
 * How many transactions wrote the transfers with these keys (one per batch): a transfer's
 * created_at is its transaction's start time (each item's subtransaction has its own xmin).
 */
async function transactionsOf(wallet: string, keys: string[]): Promise<number> {
  const [row] = await db()<{ n: number }[]>`
    select count(distinct created_at)::int as n from public.transfers
    where key_account_id = ${wallet} and idempotency_key = any (${keys})`;
  return row!.n;
}

let owner: TestUser;
let wallet: string;

beforeAll(async () => {
  ({ user: owner, wallet } = await fundedUser('Batch Owner', 28n * CREDIT));
  // Eight spends made before the race: five are replayed in it, three reused for other amounts.
  for (let i = 0; i < 8; i++) {
    await spendCredits(owner.session, {
      walletId: wallet,
      amount: CREDIT,
      category: 'ai_usage',
      idempotencyKey: `early-${i}`,
    });
  }
});

describe('concurrent spends on one wallet through group commit', () => {
  it('each caller gets its own answer: successes, refusals, replays and conflicts', async () => {
    const [before] = await db()<{ n: number }[]>`
      select count(*)::int as n from public.transfers where key_account_id = ${wallet}`;
    const early = await db()<{ id: bigint; idempotency_key: string }[]>`
      select id, idempotency_key from public.transfers
      where key_account_id = ${wallet} and idempotency_key like 'early-%' order by idempotency_key`;
    // 20 credits left; 40 new spends of one credit, 5 replays, 3 conflicts, all at once.
    const fresh = Array.from({ length: 40 }, (_, i) => `race-${i}`);
    const calls = [
      ...fresh.map((key) => ({ key, amount: CREDIT })),
      ...[0, 1, 2, 3, 4].map((i) => ({ key: `early-${i}`, amount: CREDIT })),
      ...[5, 6, 7].map((i) => ({ key: `early-${i}`, amount: 2n * CREDIT })),
    ];
    const results = await Promise.allSettled(
      calls.map(({ key, amount }) =>
        spendCredits(owner.session, {
          walletId: wallet,
          amount,
          category: 'ai_usage',
          idempotencyKey: key,
        }),
      ),
    );

    const newOnes = results.slice(0, 40);
    const won = newOnes.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(20);
    expect(newOnes.filter((r) => codeOf(r) === 'insufficient_credits')).toHaveLength(20);
    // Each success saw its own spend: distinct transfers, and balances 19 … 0 credits, once each.
    const spent = won.map((r) => r.value);
    expect(new Set(spent.map((s) => s.transferId)).size).toBe(20);
    expect(spent.map((s) => s.available).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(
      Array.from({ length: 20 }, (_, i) => BigInt(i) * CREDIT),
    );
    expect(spent.every((s) => !s.replayed && s.amount === CREDIT)).toBe(true);
    // The refusals carry the numbers of their own request.
    for (const r of newOnes.filter((r) => r.status === 'rejected')) {
      expect((r.reason as { extensions: Record<string, unknown> }).extensions).toMatchObject({
        needed: CREDIT.toString(),
      });
    }
    // Replays return the first transfer; a key reused for another amount is a conflict.
    results.slice(40, 45).forEach((r, i) => {
      expect(r.status).toBe('fulfilled');
      const value = (r as PromiseFulfilledResult<{ transferId: bigint; replayed: boolean }>).value;
      expect(value).toMatchObject({ transferId: early[i]!.id, replayed: true });
    });
    expect(results.slice(45).map(codeOf)).toEqual(Array(3).fill('idempotency_conflict'));

    // Each success's transfer is its caller's, and nothing else was written.
    const rows = await db()<{ id: bigint; idempotency_key: string; amount: bigint }[]>`
      select id, idempotency_key, amount from public.transfers
      where key_account_id = ${wallet} and idempotency_key like 'race-%'`;
    expect(rows).toHaveLength(20);
    const byKey = new Map(rows.map((row) => [row.idempotency_key, row.id]));
    newOnes.forEach((r, i) => {
      if (r.status === 'fulfilled') expect(byKey.get(fresh[i]!)).toBe(r.value.transferId);
      else expect(byKey.has(fresh[i]!)).toBe(false);
    });
    const [after] = await db()<{ n: number }[]>`
      select count(*)::int as n from public.transfers where key_account_id = ${wallet}`;
    expect(after!.n - before!.n).toBe(20);
    expect(await available(wallet)).toBe(0n);
    expect(await ledgerCheck()).toEqual([]);
    // They really were committed together: fewer transactions than spends.
    expect(await transactionsOf(wallet, [...byKey.keys()])).toBeLessThan(20);
  });

  it('a refused item never fails its neighbours in the same batch', async () => {
    const { user, wallet: own } = await fundedUser('Neighbour', 10n * CREDIT);
    const stranger = await createUser('Stranger');
    const spend = (session: TestUser['session'], key: string, amount: bigint) =>
      spendCredits(session, { walletId: own, amount, category: 'other', idempotencyKey: key });
    // Made in one tick: they leave as one batch.
    const results = await Promise.allSettled([
      spend(user.session, 'n-1', CREDIT),
      spend(user.session, 'n-2', 100n * CREDIT), // more than the wallet has
      spend(stranger.session, 'n-3', CREDIT), // not the stranger's wallet
      spend(user.session, 'n-4', 2n * CREDIT),
      spend(user.session, 'n-1', 3n * CREDIT), // same key as the first, another amount
    ]);
    expect(results.map(codeOf)).toEqual([
      'ok',
      'insufficient_credits',
      'not_found',
      'ok',
      'idempotency_conflict',
    ]);
    expect(await available(own)).toBe(7n * CREDIT);
    expect(await transactionsOf(own, ['n-1', 'n-4'])).toBe(1);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('holds, settlements and voids batch too, each with its own answer', async () => {
    const { user, wallet: own } = await fundedUser('Holder', 10n * CREDIT);
    const holds = await Promise.all(
      [1, 2, 3].map((i) =>
        reserveCredits(user.session, {
          walletId: own,
          amount: 2n * CREDIT,
          category: 'ai_usage',
          idempotencyKey: `h-${i}`,
        }),
      ),
    );
    expect(holds.map((h) => h.holdId).every((id, i, all) => all.indexOf(id) === i)).toBe(true);
    expect(await available(own)).toBe(4n * CREDIT);
    const [a, b, c] = holds.map((h) => h.holdId);
    const results = await Promise.allSettled([
      settleHold({ holdId: a!, actual: CREDIT }),
      voidHold({ holdId: b! }),
      settleHold({ holdId: c!, actual: 2n * CREDIT }),
      settleHold({ holdId: a!, actual: CREDIT }), // a retry: replays
      settleHold({ holdId: 999_999_999n, actual: 1n }), // no such hold
    ]);
    expect(results.map(codeOf)).toEqual(['ok', 'ok', 'ok', 'ok', 'not_found']);
    const [settledA, voidedB, settledC, replayA] = results.map(
      (r) => (r as PromiseFulfilledResult<{ replayed: boolean }>).value,
    );
    expect(settledA).toMatchObject({ posted: CREDIT, released: CREDIT, replayed: false });
    expect(voidedB).toMatchObject({ released: 2n * CREDIT, replayed: false });
    expect(settledC).toMatchObject({ posted: 2n * CREDIT, released: 0n, replayed: false });
    expect(replayA).toMatchObject({ posted: CREDIT, replayed: true });
    expect(await available(own)).toBe(7n * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('who may batch', () => {
  it('only the service: a signed-in user cannot run a batch (it could act as anyone)', async () => {
    const items = [{ op: 'spend', wallet, amount: '1', category: 'other', key: 'sneaky' }];
    for (const role of ['authenticated', 'anon'] as const) {
      expect(
        await outcome(() =>
          as(
            role,
            claimsFor(owner.id),
            (tx) => tx`select * from public.credit_batch(${tx.json(items)})`,
          ),
        ),
      ).toBe('42501');
    }
  });
});

describe('two processes batching against the same wallets', () => {
  it('do not deadlock: every item is decided, balances exact', async () => {
    const wallets: string[] = [];
    const sessions: TestUser['session'][] = [];
    for (let i = 0; i < 6; i++) {
      const funded = await fundedUser(`Shared ${i}`, 1000n * CREDIT);
      wallets.push(funded.wallet);
      sessions.push(funded.user.session);
    }
    // Two pools, as two app instances have; each with its own group commit and one lane, so
    // each batch spans all the wallets.
    const pools = [0, 1].map(() =>
      postgres(process.env.DATABASE_URL!, {
        max: 2,
        onnotice: () => {},
        types: { bigint: postgres.BigInt },
      }),
    );
    type Row = { error_code: string | null; available: bigint | null };
    const instances = pools.map((pool) =>
      groupCommit<Record<string, unknown>, Row>({
        lanes: 1,
        keyOf: () => 'all',
        run: async (_, items) => {
          const rows = await pool<(Row & { idx: number })[]>`
            select idx, error_code, available
            from public.credit_batch(${pool.json(items as postgres.JSONValue)})`;
          return rows.sort((x, y) => x.idx - y.idx);
        },
      }),
    );
    try {
      // Each instance walks the wallets in the opposite order, 300 spends each.
      const calls = instances.flatMap((commit, p) =>
        Array.from({ length: 300 }, (_, i) => {
          const w = p === 0 ? i % 6 : 5 - (i % 6);
          return commit({
            op: 'spend',
            claims: sessions[w]!.claims,
            wallet: wallets[w],
            amount: '1000',
            category: 'ai_usage',
            key: `p${p}-${i}`,
          });
        }),
      );
      const rows = await Promise.all(calls);
      expect(rows.filter((row) => row.error_code !== null)).toEqual([]);
      for (const w of wallets) expect(await available(w)).toBe(1000n * CREDIT - 100n * 1000n);
      expect(await ledgerCheck()).toEqual([]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });
});

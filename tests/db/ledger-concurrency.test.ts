import { beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { claimsFor, createUser, db, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, grant, ledgerCheck, walletOf } from '../helpers/ledger';

/**
 * Concurrency against the real database: 200 separate connections race for one wallet. The
 * wallet can pay for exactly N operations; exactly N succeed and the books still balance.
 */

const CLIENTS = 200;
const AFFORDABLE = 37;
let clients: postgres.Sql;
let alice: TestUser;

beforeAll(async () => {
  clients = postgres(process.env.DATABASE_URL!, {
    max: CLIENTS,
    onnotice: () => {},
    types: { bigint: postgres.BigInt },
  });
  alice = await createUser('Alice');
  // Open every connection up front so the race is between queries, not connection set-up.
  await Promise.all(Array.from({ length: CLIENTS }, () => clients`select pg_sleep(0.05)`));
  return () => clients.end();
});

function asAlice<T>(work: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return clients.begin(async (tx) => {
    await tx`select set_config('role', 'authenticated', true),
                    set_config('request.jwt.claims', ${JSON.stringify(claimsFor(alice.id))}, true)`;
    return work(tx);
  }) as Promise<T>;
}

async function race(run: (i: number) => Promise<unknown>) {
  const results = await Promise.allSettled(Array.from({ length: CLIENTS }, (_, i) => run(i)));
  const codes = results.map((result) =>
    result.status === 'fulfilled'
      ? 'ok'
      : ((result.reason as { code?: string }).code ?? String(result.reason)),
  );
  return {
    ok: codes.filter((code) => code === 'ok').length,
    insufficient: codes.filter((code) => code === 'TG402').length,
    other: codes.filter((code) => code !== 'ok' && code !== 'TG402'),
  };
}

describe('200 concurrent clients on one wallet', () => {
  it('spends: exactly the affordable number succeed, the rest are refused', async () => {
    const wallet = await walletOf({ userId: alice.id });
    // Three lots, so spends cross lot boundaries while racing.
    await grant(wallet, 10n * 3n * CREDIT, {
      source: 'promo',
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    await grant(wallet, 10n * 3n * CREDIT, { source: 'purchase' });
    await grant(wallet, BigInt(AFFORDABLE - 20) * 3n * CREDIT, { source: 'admin' });

    const outcome = await race((i) =>
      asAlice(
        (tx) =>
          tx`select * from public.credit_spend(${wallet}, ${(3n * CREDIT).toString()}::bigint, 'ai_usage', ${'spend-' + i})`,
      ),
    );
    expect(outcome).toEqual({ ok: AFFORDABLE, insufficient: CLIENTS - AFFORDABLE, other: [] });
    expect(await available(wallet)).toBe(0n);
    const [spent] =
      await db()`select count(*)::int as n, sum(amount)::bigint as total from public.transfers where debit_account_id = ${wallet} and kind = 'spend'`;
    expect(spent).toEqual({ n: AFFORDABLE, total: BigInt(AFFORDABLE) * 3n * CREDIT });
    expect(await ledgerCheck()).toEqual([]);
  });

  it('holds: exactly the affordable number are placed, and settling them keeps the books', async () => {
    const bob = await createUser('Bob');
    alice = bob; // asAlice now acts as Bob, on a fresh wallet
    const wallet = await walletOf({ userId: bob.id });
    await grant(wallet, BigInt(AFFORDABLE) * 2n * CREDIT);

    const holds: bigint[] = [];
    const outcome = await race((i) =>
      asAlice(async (tx) => {
        const [row] = await tx<{ hold_id: bigint }[]>`
          select hold_id from public.credit_reserve(${wallet}, ${(2n * CREDIT).toString()}::bigint, 'ai_usage', ${'hold-' + i}, 60)`;
        holds.push(row!.hold_id);
      }),
    );
    expect(outcome).toEqual({ ok: AFFORDABLE, insufficient: CLIENTS - AFFORDABLE, other: [] });
    expect(await available(wallet)).toBe(0n);
    const [{ debits_pending }] =
      (await db()`select debits_pending from public.accounts where id = ${wallet}`) as unknown as [
        { debits_pending: bigint },
      ];
    expect(debits_pending).toBe(BigInt(AFFORDABLE) * 2n * CREDIT);

    // Settle all concurrently, each for half its hold: half of everything comes back.
    await Promise.all(
      holds.map((hold) =>
        db()`select * from public.credit_settle(${hold.toString()}::bigint, ${CREDIT.toString()}::bigint)`.then(
          (rows) => rows,
        ),
      ),
    );
    expect(await available(wallet)).toBe(BigInt(AFFORDABLE) * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('idempotency under concurrency', () => {
  it('one key sent 50 times at once moves credits once; the same key with another amount is a conflict', async () => {
    const carol = await createUser('Carol');
    alice = carol;
    const wallet = await walletOf({ userId: carol.id });
    await grant(wallet, 100n * CREDIT);

    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        asAlice(async (tx) => {
          const [row] = await tx<{ transfer_id: bigint; replayed: boolean }[]>`
            select transfer_id, replayed from public.credit_spend(${wallet}, ${(7n * CREDIT).toString()}::bigint, 'ai_usage', 'same-key')`;
          return row!;
        }),
      ),
    );
    expect(new Set(results.map((row) => row.transfer_id)).size).toBe(1);
    expect(results.filter((row) => !row.replayed)).toHaveLength(1);
    expect(await available(wallet)).toBe(93n * CREDIT);

    const conflict = await asAlice(
      (tx) =>
        tx`select * from public.credit_spend(${wallet}, ${(8n * CREDIT).toString()}::bigint, 'ai_usage', 'same-key')`,
    ).catch((error: { code: string; message: string }) => error);
    expect(conflict).toMatchObject({ code: 'TG409' });
    expect(await available(wallet)).toBe(93n * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('the same key on two different wallets are two different operations', async () => {
    const dave = await createUser('Dave');
    const erin = await createUser('Erin');
    const [w1, w2] = [await walletOf({ userId: dave.id }), await walletOf({ userId: erin.id })];
    await grant(w1, 10n * CREDIT);
    await grant(w2, 10n * CREDIT);
    await db()`select public.credit_spend(${w1}, 1000000, 'other', 'shared-key')`;
    await db()`select public.credit_spend(${w2}, 1000000, 'other', 'shared-key')`;
    expect([await available(w1), await available(w2)]).toEqual([9n * CREDIT, 9n * CREDIT]);
  });
});

import {
  benchDatabase,
  closedLoop,
  fmt,
  printSqlProfile,
  startSqlProfile,
  type LoadResult,
} from './harness';

/**
 * npm run bench:ledger — spends the way the app makes them: spendCredits (lib/credits) as the
 * wallet's signed-in owner, through group commit into public.credit_spend (the full
 * double-entry write: transfer row, wallet totals, lot accounting, hooks), against a bare
 * guarded decrement of a single-column balance, each its own statement on its own connection,
 * at 1, 8 and 32 concurrent clients, on one hot wallet and over 10,000 wallets, all in one run on
 * one embedded PostgreSQL, load generator and app code in this one process. Prints each ratio.
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WALLETS = 10_000;
const CONCURRENCY = [1, 8, 32];

async function main() {
  const db = await benchDatabase();
  const { sql } = db;
  process.env.DATABASE_URL = db.url;
  const { spendCredits } = await import('../lib/credits');
  const { closePool } = await import('../lib/db/pool');
  console.log(
    `ledger benchmark: ${SECONDS}s per cell, PostgreSQL ${(await sql`show server_version`)[0]!.server_version}`,
  );

  // Wallets: one hot wallet and 10,000 others, each with one big purchased lot.
  await sql`
    insert into auth.users (id, email)
    select gen_random_uuid(), 'bench-' || i || '@example.test' from generate_series(1, ${WALLETS + 1}) i`;
  const wallets = (
    await sql<
      { id: string; user_id: string }[]
    >`select id, user_id from public.accounts where kind = 'user_wallet' order by id`
  ).map((row) => ({
    id: row.id,
    session: {
      userId: row.user_id,
      claims: { sub: row.user_id, role: 'authenticated' as const, aud: 'authenticated' },
    },
  }));
  await sql`select public.credit_grant(id, 1000000000000, 'purchase', 'bench-grant') from public.accounts where kind = 'user_wallet'`;
  const hot = wallets[0]!;
  const many = wallets.slice(1);

  // The baseline: a bare balance row per wallet, decremented with the same guard.
  await sql`create table public.bench_bare (id integer primary key, balance bigint not null)`;
  await sql`insert into public.bench_bare select i, 1000000000000 from generate_series(0, ${WALLETS}) i`;
  await sql`vacuum analyze`;
  await startSqlProfile(sql);

  const rows: { scenario: string; clients: number; spend: LoadResult; bare: LoadResult }[] = [];
  for (const scenario of ['hot wallet', `${WALLETS.toLocaleString('en-US')} wallets`]) {
    for (const clients of CONCURRENCY) {
      const pick = (i: number) => (scenario === 'hot wallet' ? 0 : 1 + (i % WALLETS));
      const bare = await closedLoop(
        db.url,
        clients,
        SECONDS,
        (conn, _client, i) =>
          conn`update public.bench_bare set balance = balance - 1 where id = ${pick(i)} and balance >= 1`,
      );
      const spend = await closedLoop(db.url, clients, SECONDS, (_conn, client, i) => {
        const wallet = scenario === 'hot wallet' ? hot : many[i % WALLETS]!;
        return spendCredits(wallet.session, {
          walletId: wallet.id,
          amount: 1n,
          category: 'ai_usage',
          idempotencyKey: `b-${scenario.length}-${clients}-${client}-${i}`,
        });
      });
      rows.push({ scenario, clients, spend, bare });
    }
  }

  const [check] = await sql<{ n: number }[]>`select count(*)::int as n from public.ledger_check()`;
  // created_at is the transaction's start: transfers that share it were committed together.
  const [perCommit] = await sql<{ spends: number }[]>`
    select round(count(*)::numeric / count(distinct created_at), 1)::float8 as spends
    from public.transfers where kind = 'spend'`;
  const [hotUpdates] = await sql<{ share: number | null }[]>`
    select round(100.0 * n_tup_hot_upd / nullif(n_tup_upd, 0), 1)::float8 as share
    from pg_stat_user_tables where relname = 'accounts'`;
  console.log('');
  console.log(
    'scenario        clients   spend/s    bare/s   ratio   spend p50  spend p99   bare p50   bare p99  (ms)',
  );
  for (const { scenario, clients, spend, bare } of rows) {
    console.log(
      `${scenario.padEnd(15)} ${String(clients).padStart(7)} ${fmt(spend.perSecond, 0)} ${fmt(bare.perSecond, 0)} ${fmt(spend.perSecond / bare.perSecond, 2).slice(2)}x ${fmt(spend.p50, 3)} ${fmt(spend.p99, 3)} ${fmt(bare.p50, 3)} ${fmt(bare.p99, 3)}`,
    );
    if (spend.failures + bare.failures > 0)
      console.log(`  failures: spend ${spend.failures}, bare ${bare.failures}`);
  }
  const ratio = (scenario: string, clients: number) => {
    const row = rows.find((r) => r.scenario.startsWith(scenario) && r.clients === clients)!;
    return row.spend.perSecond / row.bare.perSecond;
  };
  const lowest = (scenario: string) => Math.min(...CONCURRENCY.map((c) => ratio(scenario, c)));
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  console.log('');
  console.log(
    `lowest ratio, hot wallet:   ${lowest('hot').toFixed(2)}x (targets >= 0.50x at 1 client: ` +
      `${verdict(ratio('hot', 1) >= 0.5)}; >= 1.00x at 8 and 32: ${verdict(ratio('hot', 8) >= 1 && ratio('hot', 32) >= 1)})`,
  );
  console.log(
    `lowest ratio, many wallets: ${lowest('10').toFixed(2)}x (target >= 1.00x at 32 clients: ` +
      `${verdict(ratio('10', 32) >= 1)}, ${ratio('10', 32).toFixed(2)}x)`,
  );
  console.log(
    `ledger_check after the run: ${check!.n === 0 ? 'balanced' : `${check!.n} broken invariants`}`,
  );
  console.log(`wallet row updates that were HOT (no index writes): ${hotUpdates?.share ?? 0}%`);
  console.log(`spends per commit (group commit), all cells: ${perCommit?.spends ?? 0}`);
  await printSqlProfile(sql);
  await closePool();
  await db.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';

/**
 * The throwaway database the e2e server runs on (its port is in the data directory's pid file),
 * for seeding state the way a background process or another person would.
 */
export async function withE2eDatabase<T>(work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const dataDir = path.join(process.env.E2E_DATA_DIR!, 'postgres');
  const port = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
  const sql = postgres(`postgres://postgres:postgres@127.0.0.1:${port}/tollgate`, {
    max: 1,
    onnotice: () => {},
  });
  try {
    return await work(sql);
  } finally {
    await sql.end();
  }
}

/** Spends from a demo user's personal wallet through the ledger function, as that user. */
export async function spendAs(userId: string, micro: bigint, key: string): Promise<void> {
  await withE2eDatabase((sql) =>
    sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: userId, role: 'authenticated' })}, true)`;
      const [wallet] = await tx<
        { id: string }[]
      >`select id from public.accounts where user_id = ${userId}`;
      await tx`select * from public.credit_spend(${wallet!.id}, ${micro.toString()}::bigint, 'other', ${key}, 'E2E spend')`;
    }),
  );
}

/**
 * Puts a demo user back on the plan the seed gave them, as if their subscription had ended: the
 * specs that subscribe the Starter user leave the next ones a Starter user to work with.
 */
export async function endSubscriptionOf(email: string, planId: string): Promise<void> {
  await withE2eDatabase(async (sql) => {
    const [user] = await sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
    await sql`update public.billing_subscriptions set status = 'canceled'
      where subject_kind = 'user' and subject_id = ${user!.id}`;
    await sql`update public.subscriptions set plan_id = ${planId}, pending_plan_id = null, pending_at = null
      where subject_kind = 'user' and subject_id = ${user!.id}`;
  });
}

import type postgres from 'postgres';
import { as, claimsFor, createUser, db, type TestUser } from './fixtures';

/** Ledger helpers for tests: wallets, grants as a trusted session, the invariant check, a clock. */

export const CREDIT = 1_000_000n;

export async function walletOf(owner: { userId: string } | { orgId: string }): Promise<string> {
  const [row] =
    'userId' in owner
      ? await db()<{ id: string }[]>`select id from public.accounts where user_id = ${owner.userId}`
      : await db()<{ id: string }[]>`select id from public.accounts where org_id = ${owner.orgId}`;
  return row!.id;
}

let grants = 0;
export async function grant(
  wallet: string,
  amount: bigint,
  options: { source?: string; expiresAt?: Date; priority?: number; key?: string } = {},
): Promise<{ transfer_id: bigint; lot_id: bigint }> {
  grants += 1;
  const [row] = await db()<{ transfer_id: bigint; lot_id: bigint }[]>`
    select transfer_id, lot_id from public.credit_grant(${wallet}, ${amount.toString()}::bigint,
      ${options.source ?? 'purchase'}, ${options.key ?? `test-grant-${grants}-${Date.now()}`},
      ${options.expiresAt ?? null}, ${options.priority ?? null}::smallint)`;
  return row!;
}

export async function ledgerCheck() {
  return db()`select invariant, account_id, expected::text, actual::text from public.ledger_check()`;
}

export async function available(wallet: string, at?: Date): Promise<bigint> {
  return clocked(at, async (tx) => {
    const [row] = await tx<
      { available: bigint }[]
    >`select available from public.credit_summary(${wallet})`;
    return row!.available;
  });
}

/** Lets this database's functions read a test clock (tollgate.clock); only a superuser can. */
export async function allowTestClock(): Promise<void> {
  await db()`insert into private.test_clock default values on conflict do nothing`;
}

/** Runs work as a trusted session whose clock reads `at` (committed, unlike fixtures.as). */
export async function clocked<T>(
  at: Date | undefined,
  work: (tx: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  return db().begin(async (tx) => {
    if (at) await tx`select set_config('tollgate.clock', ${at.toISOString()}, true)`;
    return work(tx);
  }) as Promise<T>;
}

/** Runs work as `user` (authenticated, committed) with an optional test clock. */
export async function asUser<T>(
  user: TestUser,
  work: (tx: postgres.TransactionSql) => Promise<T>,
  at?: Date,
): Promise<T> {
  return db().begin(async (tx) => {
    await tx`select set_config('role', 'authenticated', true),
                    set_config('request.jwt.claims', ${JSON.stringify(claimsFor(user.id, user.email))}, true)`;
    if (at) await tx`select set_config('tollgate.clock', ${at.toISOString()}, true)`;
    return work(tx);
  }) as Promise<T>;
}

export { as };

/** A new user whose personal wallet holds `amount` micro-credits. */
export async function fundedUser(
  name: string,
  amount: bigint,
): Promise<{ user: TestUser; wallet: string }> {
  const user = await createUser(name);
  const wallet = await walletOf({ userId: user.id });
  await grant(wallet, amount);
  return { user, wallet };
}

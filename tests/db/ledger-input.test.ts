import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, db, outcome, type TestUser } from '../helpers/fixtures';
import { CREDIT, asUser, grant, ledgerCheck, walletOf } from '../helpers/ledger';

/** Bad input to every ledger function: a clear error, and nothing written. */

let user: TestUser;
let wallet: string;
let spendId: string;
let holdId: string;

beforeAll(async () => {
  user = await createUser('Careful');
  wallet = await walletOf({ userId: user.id });
  await grant(wallet, 50n * CREDIT);
  const [spend] = await asUser(
    user,
    (tx) =>
      tx`select transfer_id::text from public.credit_spend(${wallet}, 1000000, 'other', 'ok-spend')`,
  );
  spendId = spend!.transfer_id as string;
  const [hold] = await asUser(
    user,
    (tx) =>
      tx`select hold_id::text from public.credit_reserve(${wallet}, 1000000, 'other', 'ok-hold')`,
  );
  holdId = hold!.hold_id as string;
});

async function snapshot() {
  const [row] = await db()`
    select (select count(*) from public.transfers)::int as transfers, (select count(*) from public.lots)::int as lots,
           (select count(*) from public.holds)::int as holds,
           (select credits_posted - debits_posted - debits_pending from public.accounts where id = ${wallet}) as available`;
  return row;
}

const huge = JSON.stringify({ blob: 'x'.repeat(9000) });
const cases: [string, string, string][] = [
  // label, SQL run as the user (or trusted for grant/refund), expected SQLSTATE
  ['spend: negative amount', `select public.credit_spend($W, -5, 'other', 'k1')`, 'TG422'],
  ['spend: zero amount', `select public.credit_spend($W, 0, 'other', 'k2')`, 'TG422'],
  ['spend: fractional amount', `select public.credit_spend($W, '1.5', 'other', 'k3')`, '22P02'],
  [
    'spend: above 10^15 (and 2^53)',
    `select public.credit_spend($W, 9007199254740993, 'other', 'k4')`,
    'TG422',
  ],
  [
    'spend: unknown wallet',
    `select public.credit_spend('6b1c6f1e-95f4-4c55-9d53-3a4f5c2f3e11', 1, 'other', 'k5')`,
    'TG404',
  ],
  [
    'spend: malformed wallet id',
    `select public.credit_spend('not-a-uuid', 1, 'other', 'k6')`,
    '22P02',
  ],
  ['spend: wrong category', `select public.credit_spend($W, 1, 'gambling', 'k7')`, 'TG422'],
  [
    'spend: huge metadata',
    `select public.credit_spend($W, 1, 'other', 'k8', null, '${huge}'::jsonb)`,
    'TG422',
  ],
  [
    'spend: metadata not an object',
    `select public.credit_spend($W, 1, 'other', 'k9', null, '[1,2]'::jsonb)`,
    'TG422',
  ],
  ['spend: empty idempotency key', `select public.credit_spend($W, 1, 'other', '')`, 'TG422'],
  [
    'spend: description too long',
    `select public.credit_spend($W, 1, 'other', 'k10', '${'d'.repeat(501)}')`,
    'TG422',
  ],
  [
    'spend: a system account',
    `select public.credit_spend(private_sys, 1, 'other', 'k11')`,
    'TG404',
  ],
  ['reserve: zero amount', `select public.credit_reserve($W, 0, 'other', 'h1')`, 'TG422'],
  ['reserve: ttl of zero', `select public.credit_reserve($W, 1, 'other', 'h2', 0)`, 'TG422'],
  ['reserve: ttl over a day', `select public.credit_reserve($W, 1, 'other', 'h3', 90000)`, 'TG422'],
  ['transfer: to itself', `select public.credit_transfer($W, $W, 1, 't1')`, 'TG422'],
  [
    'transfer: unknown target',
    `select public.credit_transfer($W, '6b1c6f1e-95f4-4c55-9d53-3a4f5c2f3e11', 1, 't2')`,
    'TG404',
  ],
  ['transfer: negative amount', `select public.credit_transfer($W, $W, -1, 't3')`, 'TG422'],
];
const trustedCases: [string, string, string][] = [
  ['grant: unknown source', `select public.credit_grant($W, 1, 'lottery', 'g1')`, 'TG422'],
  [
    'grant: expiry in the past',
    `select public.credit_grant($W, 1, 'promo', 'g2', now() - interval '1 day')`,
    'TG422',
  ],
  ['grant: zero amount', `select public.credit_grant($W, 0, 'promo', 'g3')`, 'TG422'],
  [
    'grant: priority out of range',
    `select public.credit_grant($W, 1, 'promo', 'g4', null, 500::smallint)`,
    '23514',
  ],
  ['refund: not a spend', `select public.credit_refund(999999, 1, 'r1')`, 'TG404'],
  ['refund: more than was spent', `select public.credit_refund($S, 2000000, 'r2')`, 'TG422'],
  ['refund: zero', `select public.credit_refund($S, 0, 'r3')`, 'TG422'],
  ['settle: negative actual', `select public.credit_settle($H, -1)`, 'TG422'],
  ['settle: unknown hold', `select public.credit_settle(999999, 1)`, 'TG404'],
  ['void: unknown hold', `select public.credit_void(999999)`, 'TG404'],
];

function bind(sql: string): string {
  return sql
    .replaceAll('$W', `'${wallet}'`)
    .replaceAll('$H', holdId)
    .replaceAll('$S', spendId)
    .replace('private_sys', `private.system_account('revenue:other')`);
}

describe('bad input is refused and writes nothing', () => {
  it.each(cases)('%s', async (_label, sql, code) => {
    const before = await snapshot();
    const run = sql.includes('private_sys')
      ? () => db().unsafe(bind(sql)) // only a trusted session can even name a system account
      : () => asUser(user, (tx) => tx.unsafe(bind(sql)));
    expect(await outcome(run)).toBe(code);
    expect(await snapshot()).toEqual(before);
  });

  it.each(trustedCases)('%s', async (_label, sql, code) => {
    const before = await snapshot();
    expect(await outcome(() => db().unsafe(bind(sql)))).toBe(code);
    expect(await snapshot()).toEqual(before);
  });

  it('error details say what was needed and what is available', async () => {
    const error = await asUser(
      user,
      (tx) =>
        tx`select public.credit_spend(${wallet}, ${(1000n * CREDIT).toString()}::bigint, 'other', 'too-much')`,
    ).catch((caught: { hint: string; message: string }) => caught);
    expect(JSON.parse((error as { hint: string }).hint)).toMatchObject({
      needed: (1000n * CREDIT).toString(),
      available: (48n * CREDIT).toString(),
    });
    expect((error as { message: string }).message).toMatch(/needed.*available/);
    expect(await ledgerCheck()).toEqual([]);
  });
});

import type postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  claimsFor,
  createOrg,
  createUser,
  db,
  outcome,
  type TestUser,
} from '../helpers/fixtures';
import { CREDIT, grant, walletOf } from '../helpers/ledger';

/**
 * The RLS and privilege matrix of the ledger: every table × select/insert/update/delete and
 * every function × execute, for anon, a stranger, an org member, an org admin and service.
 */

type Actor = 'anon' | 'stranger' | 'member' | 'admin' | 'service';
const ACTORS: Actor[] = ['anon', 'stranger', 'member', 'admin', 'service'];
let users: Record<'owner' | 'admin' | 'member' | 'stranger', TestUser>;
let orgWallet: string, memberWallet: string, spendId: string;

beforeAll(async () => {
  users = {
    owner: await createUser('Owner'),
    admin: await createUser('Admin'),
    member: await createUser('Member'),
    stranger: await createUser('Stranger'),
  };
  const org = await createOrg(users.owner, [
    { user: users.admin, role: 'admin' },
    { user: users.member, role: 'member' },
  ]);
  orgWallet = await walletOf({ orgId: org.id });
  memberWallet = await walletOf({ userId: users.member.id });
  await grant(orgWallet, 10n * CREDIT);
  await grant(memberWallet, 10n * CREDIT);
  await db().begin(async (tx) => {
    await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify(claimsFor(users.member.id))}, true)`;
    await tx`select public.credit_spend(${orgWallet}, 1000000, 'ai_usage', 'member-spend')`;
    await tx`select public.credit_reserve(${memberWallet}, 2000000, 'ai_usage', 'member-hold', 600)`;
  });
  // A second grant burns the org's lots for the member's spend, so lot_burns has a row too.
  await grant(orgWallet, 1n * CREDIT);
  const [spend] =
    await db()`select id::text from public.transfers where idempotency_key = 'member-spend'`;
  spendId = spend!.id as string;
});

function run<T>(actor: Actor, work: Parameters<typeof as<T>>[2]): Promise<T> {
  if (actor === 'anon') return as('anon', { role: 'anon' }, work);
  if (actor === 'service') return as('service_role', { role: 'service_role' }, work);
  return as('authenticated', claimsFor(users[actor].id), work);
}

type Query = (tx: postgres.TransactionSql) => PromiseLike<{ length?: number; count?: number }>;

async function attempt(actor: Actor, query: Query) {
  try {
    const result = await run(actor, (tx) => Promise.resolve(query(tx)));
    return result.length ?? result.count ?? 0;
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}

const ids = () => [orgWallet, memberWallet];

describe('select', () => {
  const expected: Record<string, Record<Actor, number | string>> = {
    accounts: { anon: '42501', stranger: 0, member: 2, admin: 1, service: 2 },
    transfers: { anon: '42501', stranger: 0, member: 4, admin: 3, service: 4 },
    lots: { anon: '42501', stranger: 0, member: 3, admin: 2, service: 3 },
    holds: { anon: '42501', stranger: 0, member: 1, admin: 0, service: 1 },
    lot_burns: { anon: '42501', stranger: '42501', member: '42501', admin: '42501', service: 1 },
  };
  const queries: Record<string, Query> = {
    accounts: (tx) => tx`select id from public.accounts where id in ${tx(ids())}`,
    transfers: (tx) =>
      tx`select id from public.transfers where debit_account_id in ${tx(ids())} or credit_account_id in ${tx(ids())}`,
    lots: (tx) => tx`select id from public.lots where account_id in ${tx(ids())}`,
    holds: (tx) => tx`select id from public.holds where account_id in ${tx(ids())}`,
    lot_burns: (tx) =>
      tx`select b.lot_id from public.lot_burns b where b.account_id in ${tx(ids())}`,
  };
  for (const [table, cells] of Object.entries(expected)) {
    it(`${table}`, async () => {
      const seen: Record<string, number | string> = {};
      for (const actor of ACTORS) seen[actor] = await attempt(actor, queries[table]!);
      expect(seen).toEqual(cells);
    });
  }
});

describe('insert, update and delete are refused for every API role', () => {
  const writes: Record<string, Record<string, Query>> = {
    accounts: {
      insert: (tx) => tx`insert into public.accounts (kind, system_code) values ('system', 'mine')`,
      update: (tx) =>
        tx`update public.accounts set credits_posted = credits_posted + 1000000 where id = ${memberWallet}`,
      delete: (tx) => tx`delete from public.accounts where id = ${memberWallet}`,
    },
    transfers: {
      insert: (tx) =>
        tx`insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category, key_account_id, idempotency_key) values (${orgWallet}, ${memberWallet}, 1, 'transfer', 'other', ${orgWallet}, 'forged')`,
      update: (tx) => tx`update public.transfers set amount = 1`,
      delete: (tx) => tx`delete from public.transfers`,
    },
    lots: {
      insert: (tx) =>
        tx`insert into public.lots (account_id, source, amount, remaining, origin_transfer_id) values (${memberWallet}, 'promo', 1, 1, 1)`,
      update: (tx) => tx`update public.lots set remaining = amount`,
      delete: (tx) => tx`delete from public.lots`,
    },
    holds: {
      insert: (tx) =>
        tx`insert into public.holds (account_id, amount, category, idempotency_key, expires_at) values (${memberWallet}, 1, 'other', 'x', now())`,
      update: (tx) => tx`update public.holds set status = 'voided'`,
      delete: (tx) => tx`delete from public.holds`,
    },
    lot_burns: {
      insert: (tx) =>
        tx`insert into public.lot_burns (account_id, lot_id, amount) values (${memberWallet}, 1, 1)`,
      update: (tx) => tx`update public.lot_burns set amount = 1`,
      delete: (tx) => tx`delete from public.lot_burns`,
    },
  };
  for (const [table, operations] of Object.entries(writes)) {
    it(`${table}`, async () => {
      const seen: Record<string, string | number> = {};
      for (const [operation, query] of Object.entries(operations)) {
        for (const actor of ACTORS) seen[`${operation}:${actor}`] = await attempt(actor, query);
      }
      expect(
        Object.values(seen).every((cell) => cell === '42501'),
        JSON.stringify(seen),
      ).toBe(true);
    });
  }

  it('transfers and lot burns refuse update, delete and truncate even for a superuser', async () => {
    for (const statement of [
      'update public.transfers set amount = 1',
      'delete from public.transfers',
      'truncate public.transfers cascade',
      'update public.lot_burns set amount = 1',
      'delete from public.lot_burns',
      'truncate public.lot_burns',
    ]) {
      expect(await outcome(() => db().begin((tx) => tx.unsafe(statement))), statement).toBe(
        '42501',
      );
    }
  });
});

describe('execute', () => {
  const calls: Record<string, (tx: postgres.TransactionSql) => PromiseLike<unknown>> = {
    credit_grant: (tx) => tx`select public.credit_grant(${memberWallet}, 1, 'admin', 'x-grant')`,
    credit_spend: (tx) => tx`select public.credit_spend(${memberWallet}, 1, 'other', 'x-spend')`,
    credit_reserve: (tx) => tx`select public.credit_reserve(${memberWallet}, 1, 'other', 'x-hold')`,
    credit_settle: (tx) => tx`select public.credit_settle(1, 0)`,
    credit_void: (tx) => tx`select public.credit_void(1)`,
    credit_transfer: (tx) =>
      tx`select public.credit_transfer(${memberWallet}, ${orgWallet}, 1, 'x-move')`,
    credit_refund: (tx) => tx`select public.credit_refund(${spendId}::bigint, 1, 'x-refund')`,
    credit_maintenance: (tx) => tx`select public.credit_maintenance()`,
    credit_summary: (tx) => tx`select public.credit_summary(${memberWallet})`,
    ledger_check: (tx) => tx`select public.ledger_check()`,
  };
  // ok = ran; TG4xx = the function ran and refused the caller or the request; 42501 = no execute.
  const expected: Record<string, Record<Actor, string>> = {
    credit_grant: {
      anon: '42501',
      stranger: '42501',
      member: '42501',
      admin: '42501',
      service: 'ok',
    },
    credit_spend: { anon: '42501', stranger: 'TG404', member: 'ok', admin: 'TG404', service: 'ok' },
    credit_reserve: {
      anon: '42501',
      stranger: 'TG404',
      member: 'ok',
      admin: 'TG404',
      service: 'ok',
    },
    // Settling says what a reserved call really cost: the service's word, never the user's.
    credit_settle: {
      anon: '42501',
      stranger: '42501',
      member: '42501',
      admin: '42501',
      service: 'ok',
    },
    credit_void: {
      anon: '42501',
      stranger: '42501',
      member: '42501',
      admin: '42501',
      service: 'ok',
    },
    credit_transfer: {
      anon: '42501',
      stranger: 'TG404',
      member: 'ok',
      admin: 'TG404',
      service: 'ok',
    },
    credit_refund: {
      anon: '42501',
      stranger: 'TG403',
      member: 'TG403',
      admin: 'TG403',
      service: 'ok',
    },
    credit_maintenance: {
      anon: '42501',
      stranger: '42501',
      member: '42501',
      admin: '42501',
      service: 'ok',
    },
    credit_summary: {
      anon: '42501',
      stranger: 'TG404',
      member: 'ok',
      admin: 'TG404',
      service: 'ok',
    },
    ledger_check: {
      anon: '42501',
      stranger: '42501',
      member: '42501',
      admin: '42501',
      service: 'ok',
    },
  };
  for (const [fn, cells] of Object.entries(expected)) {
    it(fn, async () => {
      const seen: Record<string, string> = {};
      for (const actor of ACTORS)
        seen[actor] = await run(actor, (tx) => outcome(() => Promise.resolve(calls[fn]!(tx))));
      expect(seen).toEqual(cells);
    });
  }

  it('private helpers are not callable by API roles', async () => {
    for (const actor of ['anon', 'member', 'service'] as const) {
      const code = await run(actor, (tx) =>
        outcome(
          () => tx`select private.add_lot(${memberWallet}, 1000000, 'promo', 0::smallint, null, 1)`,
        ),
      );
      expect(code, actor).toBe('42501');
    }
  });
});

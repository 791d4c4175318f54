import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  deductTokens,
  getAllTokenBalances,
  hasEnoughTokens,
  checkTokens,
} from '../../lib/aiTokens';
import { claimsFor, createOrg, createUser, db, type TestUser } from '../helpers/fixtures';
import { allowTestClock, asUser, CREDIT, grant, walletOf } from '../helpers/ledger';
import {
  anchorOf,
  balances,
  consume,
  failure,
  PERIOD,
  subscribe,
  writtenRows,
} from '../helpers/plans';

/**
 * Feature token allowances against the real database: Starter refused with a clear upgrade
 * message, exact allowances under 100 concurrent deductions, a lazy refresh that restores the
 * allowance exactly once, idempotency, credit overage, bad input and RLS.
 */

const CLIENTS = 100;
let clients: postgres.Sql;

beforeAll(async () => {
  await allowTestClock();
  clients = postgres(process.env.DATABASE_URL!, {
    max: CLIENTS,
    onnotice: () => {},
    types: { bigint: postgres.BigInt },
  });
  await Promise.all(Array.from({ length: CLIENTS }, () => clients`select pg_sleep(0.05)`));
  return () => clients.end();
});

function race(
  user: TestUser,
  run: (tx: postgres.TransactionSql, i: number) => Promise<unknown>,
  at?: Date,
) {
  return Promise.allSettled(
    Array.from({ length: CLIENTS }, (_, i) =>
      clients.begin(async (tx) => {
        await tx`select set_config('role', 'authenticated', true),
                        set_config('request.jwt.claims', ${JSON.stringify(claimsFor(user.id))}, true)`;
        if (at) await tx`select set_config('tollgate.clock', ${at.toISOString()}, true)`;
        return run(tx, i);
      }),
    ),
  ).then((results) =>
    results.map((r) =>
      r.status === 'fulfilled' ? 'ok' : ((r.reason as { code?: string }).code ?? String(r.reason)),
    ),
  );
}

const tally = (codes: string[]) =>
  codes.reduce<Record<string, number>>(
    (acc, code) => ({ ...acc, [code]: (acc[code] ?? 0) + 1 }),
    {},
  );

describe('Starter has no AI features', () => {
  it('is refused with a clear "upgrade" error (403) and nothing is written', async () => {
    const sam = await createUser('Sam Starter');
    await subscribe('user', sam.id, 'starter');
    const before = await writtenRows();
    const refused = deductTokens(
      sam.session,
      { kind: 'user', id: sam.id },
      { tokenType: 'lead_generation', idempotencyKey: 'k' },
    );
    await expect(refused).rejects.toMatchObject({
      status: 403,
      code: 'upgrade_required',
      message: 'Your Starter plan does not include Lead generation. Upgrade to Pro to use this.',
      upgradeTo: 'pro',
    });
    const check = await checkTokens(sam.session, { kind: 'user', id: sam.id }, 'lead_generation');
    expect(check).toMatchObject({
      allowed: false,
      reason: 'upgrade_required',
      balance: 0,
      needed: 5,
    });
    expect(await writtenRows()).toEqual(before);
  });
});

describe('Pro allowances under concurrency', () => {
  it('100 concurrent deductions get exactly the allowance, never more', async () => {
    const priya = await createUser('Priya Pro');
    await subscribe('user', priya.id, 'pro');
    // 500 lead-generation tokens; each deduction is 2 actions × 5 = 10 tokens: exactly 50 fit.
    const codes = await race(
      priya,
      (tx, i) =>
        tx`select * from public.token_consume('user', ${priya.id}, 'lead_generation', 2, 'leads', ${'race-' + i})`,
    );
    expect(tally(codes)).toEqual({ ok: 50, TG412: 50 });
    const lead = (await balances('user', priya.id)).lead_generation!;
    expect(lead).toMatchObject({
      balance: 0n,
      period_used: 500n,
      total_used: 500n,
      total_allocated: 500n,
    });
    const [log] = await db()`
      select count(*)::int as n, sum(amount)::int as total, min(remaining) >= 0 as never_negative
      from public.token_usage_log where subject_id = ${priya.id} and kind = 'deduct'`;
    expect(log).toEqual({ n: 50, total: 500, never_negative: true });
  });

  it('refreshes lazily after the period, restoring the allowance exactly once', async () => {
    const pat = await createUser('Pat Pro');
    await subscribe('user', pat.id, 'pro');
    await consume(pat, 'user', pat.id, 'strategy_analysis', 100, 'spend-all'); // 200 of 200
    await expect(
      consume(pat, 'user', pat.id, 'strategy_analysis', 1, 'one-more'),
    ).rejects.toMatchObject({
      code: 'TG412',
    });
    const next = new Date((await anchorOf('user', pat.id)).getTime() + PERIOD + 60_000);
    expect((await balances('user', pat.id, next)).strategy_analysis).toMatchObject({
      balance: 200n,
      period_used: 0n,
    });

    // 100 callers arrive together in the new period; each wants 1 action (2 tokens).
    const codes = await race(
      pat,
      (tx, i) =>
        tx`select * from public.token_consume('user', ${pat.id}, 'strategy_analysis', 1, 'x', ${'next-' + i})`,
      next,
    );
    expect(tally(codes)).toEqual({ ok: 100 });
    expect((await balances('user', pat.id, next)).strategy_analysis).toMatchObject({
      balance: 0n,
      period_used: 200n,
      total_used: 400n,
      total_allocated: 400n,
    });
    const refreshes = await db()`
      select amount from public.token_usage_log
      where subject_id = ${pat.id} and token_type = 'strategy_analysis' and kind = 'refresh'`;
    expect(refreshes.map((row) => row.amount)).toEqual([200n, 200n]); // the first allocation and one refresh
  });

  it('a retried deduction with the same key deducts once; another amount under that key is 409', async () => {
    const kim = await createUser('Kim Pro');
    await subscribe('user', kim.id, 'pro');
    const subject = { kind: 'user' as const, id: kim.id };
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        deductTokens(kim.session, subject, {
          tokenType: 'goal_generation',
          actions: 2,
          idempotencyKey: 'same',
        }),
      ),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.logId)).size).toBe(1);
    expect(results.every((r) => r.remaining === 294)).toBe(true);
    await expect(
      deductTokens(kim.session, subject, {
        tokenType: 'goal_generation',
        actions: 3,
        idempotencyKey: 'same',
      }),
    ).rejects.toMatchObject({ status: 409 });
    expect(
      (await getAllTokenBalances(kim.session, subject)).find(
        (b) => b.tokenType === 'goal_generation',
      ),
    ).toMatchObject({
      balance: 294,
      actionsLeft: 98,
    });
  });
});

describe('overage policy', () => {
  it('Enterprise spends credits past the allowance; Pro is refused (402) with what is left', async () => {
    const owner = await createUser('Big Co Owner');
    const org = await createOrg(owner);
    await subscribe('org', org.id, 'enterprise');
    await grant(await walletOf({ orgId: org.id }), 10n * CREDIT);
    await consume(owner, 'org', org.id, 'strategy_analysis', 2000, 'all-of-it'); // 4,000 of 4,000
    const over = await consume(owner, 'org', org.id, 'strategy_analysis', 3, 'past-it');
    expect(over).toMatchObject({
      source: 'credits',
      amount: 6n,
      remaining: 0n,
      credits_charged: 6n * 20_000n,
    });
    const [spend] = await db()`
      select amount, category from public.transfers where idempotency_key = 'tokens:past-it'`;
    expect(spend).toEqual({ amount: 120_000n, category: 'premium_feature' });
    expect(
      await hasEnoughTokens(owner.session, { kind: 'org', id: org.id }, 'strategy_analysis', 3),
    ).toBe(true);

    const pro = await createUser('Limited Pro');
    await subscribe('user', pro.id, 'pro');
    await consume(pro, 'user', pro.id, 'forecast', 100, 'all'); // 400 of 400
    const refused = deductTokens(
      pro.session,
      { kind: 'user', id: pro.id },
      { tokenType: 'forecast', idempotencyKey: 'more' },
    );
    await expect(refused).rejects.toMatchObject({
      status: 402,
      code: 'insufficient_allowance',
      needed: 4,
      available: 0,
    });
  });
});

describe('bad input', () => {
  it('is rejected (422) and writes nothing', async () => {
    const lee = await createUser('Lee Pro');
    await subscribe('user', lee.id, 'pro');
    await consume(lee, 'user', lee.id, 'general', 1, 'warm-up');
    const before = await writtenRows();
    const bad: [string, string, number, string | null, string | null, string][] = [
      ['user', 'no_such_type', 1, 'f', 'k1', '{}'],
      ['user', 'general', 0, 'f', 'k2', '{}'],
      ['user', 'general', -5, 'f', 'k3', '{}'],
      ['user', 'general', 10_001, 'f', 'k4', '{}'],
      ['user', 'general', 1, 'f', null, '{}'],
      ['user', 'general', 1, 'f', 'x'.repeat(201), '{}'],
      ['user', 'general', 1, 'f'.repeat(101), 'k5', '{}'],
      ['user', 'general', 1, 'f', 'k6', '[1, 2]'],
      ['team', 'general', 1, 'f', 'k7', '{}'],
    ];
    for (const [kind, type, actions, feature, key, metadata] of bad) {
      const result = await failure(() =>
        asUser(
          lee,
          (tx) => tx`
          select * from public.token_consume(${kind}, ${lee.id}, ${type}, ${actions}, ${feature}, ${key}, ${metadata}::jsonb)`,
        ),
      );
      expect(result.code, `${kind} ${type} ${actions} ${key?.length}`).toBe('TG422');
    }
    const viaTs = deductTokens(
      lee.session,
      { kind: 'user', id: lee.id },
      { tokenType: 'general', actions: 1.5 },
    );
    await expect(viaTs).rejects.toMatchObject({ status: 422, code: 'validation_failed' });
    expect(await writtenRows()).toEqual(before);
  });
});

describe('initializeTokens and upgradeTokens', () => {
  it('initializeTokens creates the plan’s balances once and returns them', async () => {
    const { initializeTokens } = await import('../../lib/aiTokens');
    const paula = await createUser('Paula Pro');
    await subscribe('user', paula.id, 'pro');
    const first = await initializeTokens(paula.session, { kind: 'user', id: paula.id });
    expect(first.find((row) => row.tokenType === 'lead_generation')).toMatchObject({
      balance: 500,
      actionsLeft: 100,
    });
    const again = await initializeTokens(paula.session, { kind: 'user', id: paula.id });
    expect(again).toEqual(first);
    const [rows] = await db()`
      select count(distinct token_type)::int as types from public.token_balances
      where subject_kind = 'user' and subject_id = ${paula.id}`;
    expect(rows!.types).toBe(first.length);
    // A stranger cannot initialise someone else's balances.
    const stranger = await createUser('Stranger');
    await expect(
      initializeTokens(stranger.session, { kind: 'user', id: paula.id }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('upgradeTokens moves a subject up at once (less what was used) and refuses its owner', async () => {
    const { upgradeTokens } = await import('../../lib/aiTokens');
    const uma = await createUser('Uma Upgrade');
    await subscribe('user', uma.id, 'pro');
    await deductTokens(
      uma.session,
      { kind: 'user', id: uma.id },
      { tokenType: 'lead_generation', actions: 2, idempotencyKey: 'before-upgrade' },
    );
    const { change, balances: after } = await upgradeTokens(
      'service',
      { kind: 'user', id: uma.id },
      'enterprise',
    );
    expect(change).toMatchObject({ planId: 'enterprise' });
    const lead = after.find((row) => row.tokenType === 'lead_generation')!;
    const [allowance] = await db()<{ monthly_allowance: bigint }[]>`
      select monthly_allowance from public.plan_token_allowances
      where plan_id = 'enterprise' and token_type = 'lead_generation'`;
    expect(BigInt(lead.balance)).toBe(allowance!.monthly_allowance - 10n);
    await expect(
      upgradeTokens(uma.session, { kind: 'user', id: uma.id }, 'enterprise'),
    ).rejects.toMatchObject({ status: 403 });
  });
});

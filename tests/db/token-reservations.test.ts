import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  commitReservation,
  getTokenStats,
  releaseReservation,
  reserveTokens,
} from '../../lib/aiTokens';
import { claimsFor, createOrg, createUser, db } from '../helpers/fixtures';
import { allowTestClock, asUser, CREDIT, grant, walletOf } from '../helpers/ledger';
import { balances, subscribe } from '../helpers/plans';

/**
 * Two-phase use of allowances (reserve → commit or release) against the real database: exact
 * under 100 concurrent reservations, lapsed reservations returning on their own, replays and
 * conflicts, and getTokenStats equal to the append-only log.
 */

beforeAll(allowTestClock);

describe('reservations', () => {
  it('100 concurrent reservations hold exactly the allowance; releasing them restores it all', async () => {
    const user = await createUser('Busy Feature');
    await subscribe('user', user.id, 'pro');
    const clients = postgres(process.env.DATABASE_URL!, {
      max: 100,
      onnotice: () => {},
      types: { bigint: postgres.BigInt },
    });
    try {
      // 300 goal-generation tokens at 3 per action, 2 actions a reservation: exactly 50 fit.
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) =>
          clients.begin(async (tx) => {
            await tx`select set_config('role', 'authenticated', true),
                            set_config('request.jwt.claims', ${JSON.stringify(claimsFor(user.id))}, true)`;
            const [row] = await tx<{ reservation_id: bigint }[]>`
              select reservation_id from public.token_reserve('user', ${user.id}, 'goal_generation', 2, 'x', ${'r-' + i})`;
            return row!.reservation_id;
          }),
        ),
      );
      const held = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const refused = results.flatMap((r) =>
        r.status === 'rejected' ? [(r.reason as { code: string }).code] : [],
      );
      expect(held).toHaveLength(50);
      expect(new Set(refused)).toEqual(new Set(['TG412']));
      expect((await balances('user', user.id)).goal_generation).toMatchObject({
        balance: 0n,
        reserved: 300n,
      });
      await Promise.all(held.map((id) => releaseReservation(user.session, id)));
      expect((await balances('user', user.id)).goal_generation).toMatchObject({
        balance: 300n,
        reserved: 0n,
      });
    } finally {
      await clients.end();
    }
  });

  it('a lapsed reservation returns to the balance; committing it later charges what is left', async () => {
    const user = await createUser('Slow Feature');
    await subscribe('user', user.id, 'pro');
    const subject = { kind: 'user' as const, id: user.id };
    const held = await reserveTokens(user.session, subject, {
      tokenType: 'strategy_analysis',
      actions: 60,
      ttlSeconds: 60,
    });
    expect(held).toMatchObject({ amount: 120, remaining: 80, source: 'allowance' });
    const later = new Date(held.expiresAt.getTime() + 1000);
    expect((await balances('user', user.id, later)).strategy_analysis).toMatchObject({
      balance: 200n,
      reserved: 0n,
    });

    // Someone else spends 150 after the lapse; the late commit gets only the 50 left.
    await asUser(
      user,
      (tx) =>
        tx`select * from public.token_consume('user', ${user.id}, 'strategy_analysis', 75, 'x', 'after-lapse')`,
      later,
    );
    const committed = await asUser(
      user,
      async (tx) => {
        const [row] =
          await tx`select * from public.token_commit(${held.reservationId.toString()}::bigint)`;
        return row!;
      },
      later,
    );
    expect(committed).toMatchObject({ amount: 50n, remaining: 0n, replayed: false });
    expect((await balances('user', user.id, later)).strategy_analysis).toMatchObject({
      balance: 0n,
      reserved: 0n,
      period_used: 200n,
    });
    const [entry] =
      await db()`select metadata from public.token_usage_log where reservation_id = ${held.reservationId.toString()}`;
    expect(entry!.metadata).toEqual({ shortfall: 70 });
  });

  it('commit and release replay, conflict with each other, and belong to their actor', async () => {
    const owner = await createUser('Res Owner');
    const member = await createUser('Res Member');
    const org = await createOrg(owner, [{ user: member, role: 'member' }]);
    await subscribe('org', org.id, 'pro');
    const subject = { kind: 'org' as const, id: org.id };
    const a = await reserveTokens(member.session, subject, { tokenType: 'general', actions: 4 });
    const b = await reserveTokens(member.session, subject, { tokenType: 'general', actions: 6 });
    await expect(commitReservation(owner.session, a.reservationId)).rejects.toMatchObject({
      status: 404,
    });
    expect((await commitReservation(member.session, a.reservationId)).replayed).toBe(false);
    expect((await commitReservation(member.session, a.reservationId)).replayed).toBe(true);
    expect(await releaseReservation(member.session, b.reservationId)).toMatchObject({
      released: 6,
      replayed: false,
    });
    expect(await releaseReservation(member.session, b.reservationId)).toMatchObject({
      released: 0,
      replayed: true,
    });
    await expect(commitReservation(member.session, b.reservationId)).rejects.toMatchObject({
      status: 409,
    });
    await expect(releaseReservation(member.session, a.reservationId)).rejects.toMatchObject({
      status: 409,
    });
    expect((await balances('org', org.id)).general).toMatchObject({
      balance: 996n,
      reserved: 0n,
      period_used: 4n,
    });
  });
});

describe('getTokenStats', () => {
  it('equals the raw log: by token type, feature, day and source', async () => {
    const owner = await createUser('Stats Owner');
    const org = await createOrg(owner);
    await subscribe('org', org.id, 'enterprise');
    await grant(await walletOf({ orgId: org.id }), 100n * CREDIT);
    const types = [
      'lead_generation',
      'goal_generation',
      'strategy_analysis',
      'forecast',
      'general',
    ];
    const features = ['finder', 'planner', 'assistant'];
    for (let i = 0; i < 120; i += 1) {
      const type = types[i % types.length]!;
      await asUser(
        owner,
        (tx) => tx`
        select * from public.token_consume('org', ${org.id}, ${type}, ${1 + (i % 7)}, ${features[i % 3]!}, ${'stat-' + i})`,
      );
    }
    await asUser(
      owner,
      (tx) =>
        tx`select * from public.token_consume('org', ${org.id}, 'forecast', 2000, 'finder', 'drain')`,
    );
    await asUser(
      owner,
      (tx) =>
        tx`select * from public.token_consume('org', ${org.id}, 'forecast', 3, 'finder', 'overage')`,
    );

    const stats = await getTokenStats(owner.session, { kind: 'org', id: org.id }, '7d');
    const raw = await db()<
      { dimension: string; key: string; events: number; tokens: number; credits: bigint }[]
    >`
      select 'token_type' as dimension, token_type as key, count(*)::int as events, sum(amount)::int as tokens, sum(credits_charged)::bigint as credits
      from public.token_usage_log where subject_id = ${org.id} and kind in ('deduct', 'overage') group by token_type
      union all
      select 'feature', feature, count(*)::int, sum(amount)::int, sum(credits_charged)::bigint
      from public.token_usage_log where subject_id = ${org.id} and kind in ('deduct', 'overage') group by feature
      union all
      select 'source', case kind when 'overage' then 'credits' else 'allowance' end, count(*)::int, sum(amount)::int, sum(credits_charged)::bigint
      from public.token_usage_log where subject_id = ${org.id} and kind in ('deduct', 'overage') group by 2`;
    const asMap = (rows: { key: string; events: number; tokens: number; credits: bigint }[]) =>
      Object.fromEntries(rows.map((row) => [row.key, [row.events, row.tokens, row.credits]]));
    const rawOf = (dimension: string) => asMap(raw.filter((row) => row.dimension === dimension));
    expect(asMap(stats.usage.byTokenType)).toEqual(rawOf('token_type'));
    expect(asMap(stats.usage.byFeature)).toEqual(rawOf('feature'));
    expect(asMap(stats.usage.bySource)).toEqual(rawOf('source'));
    expect(stats.usage.total.events).toBe(122);
    expect(stats.usage.byDay.reduce((sum, day) => sum + day.tokens, 0)).toBe(
      stats.usage.total.tokens,
    );
    const forecast = stats.balances.find((row) => row.tokenType === 'forecast')!;
    const [rawForecast] = await db()`
      select sum(amount) filter (where kind = 'deduct')::int as used from public.token_usage_log
      where subject_id = ${org.id} and token_type = 'forecast'`;
    expect(forecast.totalUsed).toBe(rawForecast!.used);
    expect(forecast.balance).toBe(forecast.allowance - forecast.totalUsed);
  });
});

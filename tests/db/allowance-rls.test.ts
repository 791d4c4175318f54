import { describe, expect, it } from 'vitest';
import { getAllTokenBalances } from '../../lib/aiTokens';
import { as, claimsFor, createOrg, createUser, db, type TestUser } from '../helpers/fixtures';
import { consume, failure, subscribe } from '../helpers/plans';

/** Row-level security of plans and allowances: members see their org's, strangers nothing. */

describe('RLS', () => {
  it("a member sees the org's allowances and log; a stranger sees nothing and cannot use them", async () => {
    const owner = await createUser('Owner');
    const member = await createUser('Member');
    const stranger = await createUser('Stranger');
    const org = await createOrg(owner, [{ user: member, role: 'member' }]);
    await subscribe('org', org.id, 'pro');
    await consume(member, 'org', org.id, 'general', 5, 'member-use');

    const seen = (user: TestUser) =>
      as('authenticated', claimsFor(user.id), async (tx) => ({
        balances: (
          await tx`select distinct token_type from public.token_balances where subject_id = ${org.id}`
        ).length,
        log: (await tx`select id from public.token_usage_log where subject_id = ${org.id}`).length,
        subscription: (await tx`select id from public.subscriptions where subject_id = ${org.id}`)
          .length,
      }));
    expect(await seen(member)).toEqual({ balances: 1, log: 2, subscription: 1 });
    expect(await seen(owner)).toEqual({ balances: 1, log: 2, subscription: 1 });
    expect(await seen(stranger)).toEqual({ balances: 0, log: 0, subscription: 0 });

    expect((await getAllTokenBalances(member.session, { kind: 'org', id: org.id })).length).toBe(5);
    await expect(
      getAllTokenBalances(stranger.session, { kind: 'org', id: org.id }),
    ).rejects.toMatchObject({ status: 404 });
    const theft = await failure(() => consume(stranger, 'org', org.id, 'general', 1, 'steal'));
    expect(theft.code).toBe('TG404');
    const direct = await failure(() =>
      as(
        'authenticated',
        claimsFor(member.id),
        (tx) => tx`update public.token_balances set balance = 1000000`,
      ),
    );
    expect(direct.code).toBe('42501');
    const rewrite = await failure(() => db()`update public.token_usage_log set amount = 0`);
    expect(rewrite.code).toBe('42501'); // append-only, even for a superuser
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { runAiFeature } from '../../lib/ai';
import { setFeatureFlag } from '@/lib/gateway';
import { getTokenBalance } from '../../lib/aiTokens';
import { createUser, db, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, grant, ledgerCheck, walletOf } from '../helpers/ledger';
import { subscribe } from '../helpers/plans';

/** meteredAction: the plan's feature allowance around the metered call, on the local model. */

let pro: TestUser, free: TestUser;

beforeAll(async () => {
  pro = await createUser('Pro');
  free = await createUser('Free');
  await subscribe('user', pro.id, 'pro');
  await grant(await walletOf({ userId: pro.id }), 2n * CREDIT);
  await grant(await walletOf({ userId: free.id }), 2n * CREDIT);
});

const remaining = async (user: TestUser, type: string) =>
  (await getTokenBalance(user.session, { kind: 'user', id: user.id }, type)).balance;

describe('runAiFeature', () => {
  it('spends one action of the allowance and the real usage in credits', async () => {
    const wallet = await walletOf({ userId: pro.id });
    const before = await available(wallet);
    const allowanceBefore = await remaining(pro, 'goal_generation');
    const outcome = await runAiFeature(pro.session, {
      feature: 'goal_generation',
      brief: 'Grow weekly active teams by 20% this quarter.',
    });
    expect(outcome.text).toContain('local demo model');
    expect(outcome.credits.status).toBe('charged');
    expect(outcome.credits.creditsUsed).toBeGreaterThan(0n);
    expect(await available(wallet)).toBe(before - outcome.credits.creditsUsed);
    expect(await remaining(pro, 'goal_generation')).toBe(allowanceBefore - 3);
    const [event] = await db()<{ feature: string; operation: string }[]>`
      select feature, operation from public.usage_events where subject_id = ${pro.id} order by id desc limit 1`;
    expect(event).toEqual({ feature: 'goal_generation', operation: 'completion' });
  });

  it('a plan without the feature is refused before any credit moves', async () => {
    const wallet = await walletOf({ userId: free.id });
    const before = await available(wallet);
    await expect(
      runAiFeature(free.session, { feature: 'forecast', brief: 'Revenue next quarter' }),
    ).rejects.toMatchObject({ code: 'upgrade_required' });
    expect(await available(wallet)).toBe(before);
  });

  it('a blocked call releases the allowance and charges nothing', async () => {
    const wallet = await walletOf({ userId: pro.id });
    const before = await available(wallet);
    const allowanceBefore = await remaining(pro, 'lead_generation');
    await setFeatureFlag('service', { scope: 'feature', key: 'lead_generation', enabled: false });
    await expect(
      runAiFeature(pro.session, { feature: 'lead_generation', brief: 'B2B analytics for retail' }),
    ).rejects.toMatchObject({ code: 'ai_disabled' });
    expect(await remaining(pro, 'lead_generation')).toBe(allowanceBefore);
    expect(await available(wallet)).toBe(before);
    expect(await db()`select 1 from public.holds where status = 'pending'`).toHaveLength(0);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('bad input is a 422', async () => {
    await expect(
      runAiFeature(pro.session, { feature: 'forecast', brief: '' }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });
});

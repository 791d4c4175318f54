import { beforeAll, describe, expect, it } from 'vitest';
import { GET as history } from '../../app/api/credits/history/route';
import { runAiFeature } from '../../lib/ai';
import { transferCredits } from '../../lib/credits';
import { createOrg, createUser, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, grant, walletOf } from '../helpers/ledger';
import { subscribe } from '../helpers/plans';

/**
 * The history says what each row was: purchases, plan credits, admin grants and bonuses by where
 * the credits came from, transfers by their direction, and feature runs by their feature.
 */

let pro: TestUser;
let wallet: string;

interface Row {
  activity: string;
  feature: string | null;
  kind: string;
  description: string | null;
}

async function rows(): Promise<Row[]> {
  const response = await history(await request('/api/credits/history?limit=100', { user: pro }));
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: Row[] }).items;
}

beforeAll(async () => {
  pro = await createUser('History Pro');
  await subscribe('user', pro.id, 'pro');
  wallet = await walletOf({ userId: pro.id });
  await grant(wallet, 20n * CREDIT, { source: 'purchase' });
  await grant(wallet, 2n * CREDIT, { source: 'admin' });
  await grant(wallet, 1n * CREDIT, { source: 'promo' });
  const org = await createOrg(pro);
  await transferCredits(pro.session, {
    fromWalletId: wallet,
    toWalletId: await walletOf({ orgId: org.id }),
    amount: 3n * CREDIT,
    idempotencyKey: 'history-kinds-transfer',
  });
  await runAiFeature(pro.session, { feature: 'forecast', brief: 'Revenue next quarter' });
});

describe('history kinds', () => {
  it('names purchases, plan credits, grants, bonuses and transfers instead of "Other"', async () => {
    const activities = (await rows()).map((row) => row.activity);
    for (const expected of ['purchase', 'plan_grant', 'admin_grant', 'bonus', 'transfer_out']) {
      expect(activities).toContain(expected);
    }
    expect(activities).not.toContain('grant');
  });

  it('a feature run names its feature', async () => {
    const run = (await rows()).find((row) => row.activity === 'feature_run');
    expect(run).toMatchObject({ feature: 'forecast', kind: 'hold_post' });
    expect(run!.description).toMatch(/^Forecast: /);
  });
});

import { beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalSession } from '../../lib/auth/local-sessions';
import { createUser, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, grant, walletOf } from '../helpers/ledger';
import { subscribe } from '../helpers/plans';

/** The server action behind /features/[feature]: what one run used and what is left. */

let cookieJar: { name: string; value: string }[] = [];
vi.mock('next/headers', () => ({ cookies: async () => ({ getAll: () => cookieJar }) }));

const { runFeatureAction } = await import('../../app/(dashboard)/ai/actions');

let pro: TestUser, starter: TestUser;

async function signInAs(user: TestUser) {
  cookieJar = [
    {
      name: 'tollgate-session',
      value: await startLocalSession({ id: user.id, email: user.email }),
    },
  ];
}

beforeAll(async () => {
  pro = await createUser('Feature Pro');
  starter = await createUser('Feature Starter');
  await subscribe('user', pro.id, 'pro');
  await grant(await walletOf({ userId: pro.id }), 2n * CREDIT);
  await subscribe('user', starter.id, 'starter');
  await grant(await walletOf({ userId: starter.id }), 2n * CREDIT);
});

describe('runFeatureAction', () => {
  it('reports the allowance tokens and credits one run used, and what remains', async () => {
    await signInAs(pro);
    const result = await runFeatureAction({ feature: 'forecast', brief: 'Revenue next quarter' });
    if (!result.ok) throw new Error(result.error.detail);
    expect(result.data.allowanceCharged).toMatchObject({ source: 'allowance' });
    expect(result.data.allowanceCharged.tokens).toBeGreaterThan(0);
    expect(BigInt(result.data.creditsUsed)).toBeGreaterThan(0n);
    expect(BigInt(result.data.balance)).toBe(await available(await walletOf({ userId: pro.id })));
  });

  it('a plan without AI features gets upgrade_required', async () => {
    await signInAs(starter);
    const result = await runFeatureAction({ feature: 'forecast', brief: 'Revenue next quarter' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('upgrade_required');
  });
});

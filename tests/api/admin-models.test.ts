import { beforeAll, describe, expect, it } from 'vitest';
import { getAdminModelStats } from '../../lib/admin';
import { recordUsage } from '../../lib/usage';
import { createUser, db, type TestUser } from '../helpers/fixtures';

/** lib/admin model margins (30-day rollups) and provider health (24 h of raw events). */

let admin: TestUser, plain: TestUser;
let creditsPerUsd: bigint;

beforeAll(async () => {
  admin = await createUser('Models Admin');
  plain = await createUser('Models Plain');
  await db()`update public.profiles set is_platform_admin = true where id = ${admin.id}`;
  const [settings] = await db()<{ credits_per_usd: bigint }[]>`
    select credits_per_usd from public.ai_settings`;
  creditsPerUsd = BigInt(settings!.credits_per_usd);

  const subject = { kind: 'user' as const, id: plain.id };
  // Two calls on one model: cost 0.30 USD, charged 0.50 USD worth of credits.
  const calls = [
    { model: 'margin-a', cost: 100_000n, usd: 200_000n, latencyMs: 100, success: true },
    { model: 'margin-a', cost: 200_000n, usd: 300_000n, latencyMs: 300, success: true },
    // A loss-maker on the same provider, and a failed call.
    { model: 'margin-b', cost: 400_000n, usd: 100_000n, latencyMs: 500, success: false },
  ];
  for (const [index, call] of calls.entries()) {
    await recordUsage({
      subject,
      provider: 'testprov',
      model: call.model,
      operation: 'chat',
      inputTokens: 10,
      outputTokens: 5,
      latencyMs: call.latencyMs,
      providerCostMicroUsd: call.cost,
      creditsCharged: call.usd * creditsPerUsd,
      success: call.success,
      requestId: `margin-${index}`,
    });
  }
  // BYOK: the customer's key pays, so it is not part of platform margins (but is in health).
  await recordUsage({
    subject,
    source: 'byok',
    provider: 'testprov',
    model: 'margin-a',
    operation: 'chat',
    latencyMs: 700,
    providerCostMicroUsd: 999_000n,
    requestId: 'margin-byok',
  });
});

describe('getAdminModelStats', () => {
  it('cost, revenue and margin per model and per provider', async () => {
    const stats = await getAdminModelStats(admin.session);
    expect(stats.creditsPerUsd).toBe(creditsPerUsd);

    const a = stats.models.find((row) => row.provider === 'testprov' && row.model === 'margin-a');
    expect(a).toMatchObject({
      events: 2n,
      costMicroUsd: 300_000n,
      creditsCharged: 500_000n * creditsPerUsd,
      revenueMicroUsd: 500_000n,
      marginMicroUsd: 200_000n,
      marginBps: 4_000n,
    });
    const b = stats.models.find((row) => row.model === 'margin-b');
    expect(b).toMatchObject({
      revenueMicroUsd: 100_000n,
      marginMicroUsd: -300_000n,
      marginBps: -30_000n,
    });

    const provider = stats.providers.find((row) => row.provider === 'testprov');
    expect(provider).toMatchObject({
      model: null,
      events: 3n,
      costMicroUsd: 700_000n,
      revenueMicroUsd: 600_000n,
      marginMicroUsd: -100_000n,
    });
    expect(stats.total.costMicroUsd).toBeGreaterThanOrEqual(700_000n);
  });

  it('provider health over the last 24 hours: latency p50/p95 and error rate', async () => {
    const stats = await getAdminModelStats(admin.session);
    const health = stats.health.find((row) => row.provider === 'testprov');
    // Latencies 100, 300, 500, 700 ms: p50 = 400, p95 = 670 (linear interpolation).
    expect(health).toMatchObject({
      events: 4n,
      errors: 1n,
      errorRateBps: 2_500n,
      p50LatencyMs: 400,
      p95LatencyMs: 670,
    });
  });

  it('a non-admin gets a 404', async () => {
    await expect(getAdminModelStats(plain.session)).rejects.toMatchObject({ status: 404 });
  });
});

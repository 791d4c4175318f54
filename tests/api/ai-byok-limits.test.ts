import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProviderKeys, saveProviderKey } from '@/lib/gateway';
import { subjectKeys } from '../../lib/gateway/byok';
import { recordUsage } from '../../lib/usage';
import { createUser, db, type TestUser } from '../helpers/fixtures';

/** BYOK keys with a monthly limit (provider cost, micro-USD) and an expiry. */

let owner: TestUser;
const subject = () => ({ kind: 'user' as const, id: owner.id });
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000);

beforeAll(async () => {
  process.env.ENCRYPTION_KEY = 'cd'.repeat(32);
  owner = await createUser('Limited Keys');
});

afterAll(() => {
  delete process.env.ENCRYPTION_KEY;
});

describe('monthly limit and expiry', () => {
  it('are stored and listed, never with the key', async () => {
    const expiresAt = inAWeek();
    const saved = await saveProviderKey(owner.session, {
      provider: 'openai',
      apiKey: 'sk-limited-key-1234',
      monthlyLimitMicroUsd: '5000000',
      expiresAt: expiresAt.toISOString(),
    });
    expect(saved).toMatchObject({ hint: '1234', monthlyLimitMicroUsd: 5_000_000n, expiresAt });
    const [listed] = await listProviderKeys(owner.session);
    expect(listed).toMatchObject({ provider: 'openai', monthlyLimitMicroUsd: 5_000_000n });
    expect(listed!.expiresAt?.getTime()).toBe(expiresAt.getTime());
    expect(
      JSON.stringify(listed, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v)),
    ).not.toContain('sk-limited');
  });

  it('the gateway gets the key until this month’s BYOK cost reaches the limit', async () => {
    expect((await subjectKeys(subject()))('openai')).toBe('sk-limited-key-1234');
    const base = {
      subject: subject(),
      source: 'byok' as const,
      provider: 'openai',
      model: 'gpt-4o',
    };
    await recordUsage({ ...base, operation: 'chat', providerCostMicroUsd: 4_999_999n });
    expect((await subjectKeys(subject()))('openai')).toBe('sk-limited-key-1234');
    await recordUsage({ ...base, operation: 'chat', providerCostMicroUsd: 1n });
    expect((await subjectKeys(subject()))('openai')).toBeNull();
  });

  it('an expired key is not used; a past expiry or a zero limit is refused (422)', async () => {
    await saveProviderKey(owner.session, { provider: 'google', apiKey: 'g-expiring-5678' });
    expect((await subjectKeys(subject()))('google')).toBe('g-expiring-5678');
    await db()`update public.ai_provider_keys set expires_at = now() - interval '1 minute'
      where subject_id = ${owner.id} and provider = 'google'`;
    expect((await subjectKeys(subject()))('google')).toBeNull();

    const past = new Date(Date.now() - 60_000).toISOString();
    await expect(
      saveProviderKey(owner.session, {
        provider: 'anthropic',
        apiKey: 'a-key-0000',
        expiresAt: past,
      }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      saveProviderKey(owner.session, {
        provider: 'anthropic',
        apiKey: 'a-key-0000',
        monthlyLimitMicroUsd: '0',
      }),
    ).rejects.toMatchObject({ status: 422 });
  });
});

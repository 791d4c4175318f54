import { beforeAll, describe, expect, it } from 'vitest';
import { POST as completions } from '../../app/api/ai/completions/route';
import { setFeatureFlag } from '@/lib/gateway';
import { createUser, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, grant, ledgerCheck, walletOf } from '../helpers/ledger';

/** The response cache: exact match, scoped to the subject, cached usage, charged by policy. */

let user: TestUser, other: TestUser;

beforeAll(async () => {
  await db()`update public.plans set requests_per_hour = 1000000, monthly_llm_token_limit = null`;
  user = await createUser('Cacher');
  other = await createUser('Other');
  await grant(await walletOf({ userId: user.id }), 2n * CREDIT);
  await grant(await walletOf({ userId: other.id }), 2n * CREDIT);
});

interface Answer {
  text: string;
  status: string;
  creditsUsed: string;
  balance: string;
}

async function complete(who: TestUser, prompt: string): Promise<Answer> {
  const response = await completions(
    await request('/api/ai/completions', {
      user: who,
      body: { model: 'local-demo', prompt, maxOutputTokens: 20, cache: true },
    }),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as Answer;
}

describe('response cache', () => {
  it('an identical request (up to whitespace) is a free cached hit, recorded as cached', async () => {
    const wallet = await walletOf({ userId: user.id });
    const first = await complete(user, 'Name three colours');
    expect(first.status).toBe('charged');
    const afterFirst = await available(wallet);
    const second = await complete(user, '  Name   three colours ');
    expect(second).toMatchObject({ status: 'cached', creditsUsed: '0', text: first.text });
    expect(await available(wallet)).toBe(afterFirst);
    expect(BigInt(second.balance)).toBe(afterFirst);
    const events = await db()<{ cached: boolean; credits_charged: bigint }[]>`
      select cached, credits_charged from public.usage_events where subject_id = ${user.id} order by id`;
    expect(events.map((e) => e.cached)).toEqual([false, true]);
    expect(events[1]!.credits_charged).toBe(0n);
  });

  it('is scoped to the subject and to the exact input', async () => {
    expect((await complete(other, 'Name three colours')).status).toBe('charged');
    expect((await complete(user, 'Name four colours')).status).toBe('charged');
  });

  it('a hit still obeys the kill switch', async () => {
    await setFeatureFlag('service', { scope: 'model', key: 'local-demo', enabled: false });
    const response = await completions(
      await request('/api/ai/completions', {
        user,
        body: {
          model: 'local-demo',
          prompt: 'Name three colours',
          maxOutputTokens: 20,
          cache: true,
        },
      }),
    );
    expect(response.status).toBe(403);
    await setFeatureFlag('service', { scope: 'model', key: 'local-demo', enabled: true });
  });

  it('a charging policy charges its share of the price, rounded up', async () => {
    await db()`update public.ai_settings set cache_hit_charge_bps = 5000`;
    const wallet = await walletOf({ userId: user.id });
    const before = await available(wallet);
    const hit = await complete(user, 'Name three colours');
    const [event] = await db()<{ input_tokens: bigint; output_tokens: bigint }[]>`
      select input_tokens, output_tokens from public.usage_events
      where subject_id = ${user.id} and not cached order by id limit 1`;
    const [full] = await db()<{ charge: bigint }[]>`
      select ceil((${Number(event!.input_tokens)}::numeric * p.input_per_mtok
                   + ${Number(event!.output_tokens)}::numeric * p.output_per_mtok)
                  * s.credits_per_usd * s.markup_bps / 1e10)::bigint as charge
      from public.ai_model_prices p cross join public.ai_settings s
      where p.model_id = 'local-demo' order by p.effective_from desc limit 1`;
    expect(hit.status).toBe('cached');
    expect(BigInt(hit.creditsUsed)).toBe((full!.charge * 5000n + 9999n) / 10000n);
    expect(await available(wallet)).toBe(before - BigInt(hit.creditsUsed));
    expect(await ledgerCheck()).toEqual([]);
  });
});

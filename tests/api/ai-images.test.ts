import { beforeAll, describe, expect, it } from 'vitest';
import { POST as generate } from '../../app/api/ai/images/generate/route';
import { createUser, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, grant, ledgerCheck, walletOf, fundedUser } from '../helpers/ledger';
import { MOCK_PNG_BASE64 } from '../helpers/mock-openai';
import { serveMockOpenAI } from '../helpers/gateway';

/** POST /api/ai/images/generate: local and OpenAI over HTTP, charged per image × price. */

serveMockOpenAI();
let user: TestUser;
let wallet: string;

beforeAll(async () => {
  ({ user, wallet } = await fundedUser('Painter', 5n * CREDIT));
});

async function post(body: unknown, who: TestUser = user) {
  return generate(await request('/api/ai/images/generate', { user: who, body }));
}

/** images × per_image × credits/USD × markup, rounded up once — from the price row in force. */
async function expected(model: string, images: number): Promise<bigint> {
  const [row] = await db()<{ charge: bigint }[]>`
    select ceil(${images}::numeric * p.per_image * s.credits_per_usd * s.markup_bps / 1e4)::bigint as charge
    from public.ai_model_prices p cross join public.ai_settings s
    where p.model_id = ${model} order by p.effective_from desc limit 1`;
  return row!.charge;
}

interface Answer {
  model: string;
  images: { mediaType: string; base64: string }[];
  status: string;
  usage: { images: number };
  creditsUsed: string;
  balance: string;
}

async function lastEvent() {
  const [row] = await db()<
    {
      operation: string;
      images: number;
      credits_charged: bigint;
      success: boolean;
      provider_cost_micro_usd: bigint;
    }[]
  >`select operation, images, credits_charged, success, provider_cost_micro_usd
    from public.usage_events where subject_id = ${user.id} order by id desc limit 1`;
  return row!;
}

async function holdCount(): Promise<bigint> {
  const [row] = await db()<{ count: bigint }[]>`select count(*)::bigint as count from public.holds`;
  return row!.count;
}

describe('POST /api/ai/images/generate', () => {
  it('the local model: a deterministic PNG, charged per image', async () => {
    const before = await available(wallet);
    const response = await post({ model: 'local-image', prompt: 'a red fox', n: 2 });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Answer;
    expect(body).toMatchObject({ status: 'charged', usage: { images: 2 } });
    expect(body.images).toHaveLength(2);
    const png = Buffer.from(body.images[0]!.base64, 'base64');
    expect(body.images[0]!.mediaType).toBe('image/png');
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(256); // IHDR width
    expect(body.creditsUsed).toBe((await expected('local-image', 2)).toString());
    expect(BigInt(body.creditsUsed)).toBe(60_000n); // 2 × 2,000 µUSD × 10 × 1.5
    expect(await available(wallet)).toBe(before - 60_000n);
    expect(BigInt(body.balance)).toBe(before - 60_000n);

    const again = (await (
      await post({ model: 'local-image', prompt: 'a red fox', n: 1 })
    ).json()) as Answer;
    expect(again.images[0]!.base64).toBe(body.images[0]!.base64);
    const other = (await (
      await post({ model: 'local-image', prompt: 'a blue whale', n: 1 })
    ).json()) as Answer;
    expect(other.images[0]!.base64).not.toBe(body.images[0]!.base64);
  });

  it('OpenAI over HTTP: charged exactly images × the per-image price, recorded with the images', async () => {
    const before = await available(wallet);
    const response = await post({ model: 'gpt-image-1', prompt: 'a lighthouse', n: 2 });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Answer;
    expect(body.images.map((image) => image.base64)).toEqual([MOCK_PNG_BASE64, MOCK_PNG_BASE64]);
    const charge = await expected('gpt-image-1', 2);
    expect(charge).toBe(1_260_000n); // 2 × 0.042 USD × 10 credits × 1.5
    expect(body).toMatchObject({ status: 'charged', creditsUsed: charge.toString() });
    expect(await available(wallet)).toBe(before - charge);
    expect(await lastEvent()).toMatchObject({
      operation: 'image',
      images: 2,
      credits_charged: charge,
      success: true,
      provider_cost_micro_usd: 84_000n,
    });
    const [hold] = await db()<{ amount: bigint; posted_amount: bigint; status: string }[]>`
      select amount, posted_amount, status from public.holds where account_id = ${wallet}
      order by id desc limit 1`;
    expect(hold).toMatchObject({ amount: charge, posted_amount: charge });
  });

  it('a provider error voids the hold and charges nothing', async () => {
    const before = await available(wallet);
    const response = await post({ model: 'dall-e-3', prompt: 'mode=error-before a castle' });
    expect(response.status).toBe(503);
    expect(await available(wallet)).toBe(before);
    const [hold] = await db()<{ status: string; posted_amount: bigint | null }[]>`
      select status, posted_amount from public.holds where account_id = ${wallet}
      order by id desc limit 1`;
    expect(hold!.status).toBe('voided');
    expect(await lastEvent()).toMatchObject({ success: false, credits_charged: 0n, images: 0 });
  });

  it('bad bodies are 422 and write nothing', async () => {
    const holdsBefore = await holdCount();
    const bad = [
      {},
      { model: 'gpt-image-1' },
      { model: 'gpt-image-1', prompt: '' },
      { model: 'gpt-image-1', prompt: 'x', n: 0 },
      { model: 'gpt-image-1', prompt: 'x', n: 5 },
      { model: 'gpt-image-1', prompt: 'x', size: '999x999' },
      { model: 'local-demo', prompt: 'a chat model cannot draw' },
    ];
    for (const body of bad) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    const holdsAfter = await holdCount();
    expect(holdsAfter).toBe(holdsBefore);
    expect(await db()`select 1 from public.holds where status = 'pending'`).toHaveLength(0);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('a wallet that cannot afford the images gets a 402 and nothing moves', async () => {
    const poor = await createUser('Poor Painter');
    const poorWallet = await walletOf({ userId: poor.id });
    await grant(poorWallet, 1_000_000n);
    const response = await post({ model: 'gpt-image-1', prompt: 'two suns', n: 2 }, poor);
    expect(response.status).toBe(402);
    expect(await available(poorWallet)).toBe(1_000_000n);
  });
});

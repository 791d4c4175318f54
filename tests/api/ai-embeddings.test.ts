import { beforeAll, describe, expect, it } from 'vitest';
import { POST as chat } from '../../app/api/ai/chat/route';
import { POST as embeddings } from '../../app/api/ai/embeddings/route';
import { countTokens } from '@/lib/gateway';
import { db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, ledgerCheck, fundedUser } from '../helpers/ledger';
import { serveMockOpenAI } from '../helpers/gateway';

/** POST /api/ai/embeddings: the local model and OpenAI over HTTP, charged by reported tokens. */

serveMockOpenAI();
let user: TestUser;
let wallet: string;

beforeAll(async () => {
  ({ user, wallet } = await fundedUser('Embedder', 2n * CREDIT));
});

async function embed(model: string, values: string[]) {
  return embeddings(await request('/api/ai/embeddings', { user, body: { model, values } }));
}

async function expected(model: string, tokens: number): Promise<bigint> {
  const [row] = await db()<{ charge: bigint }[]>`
    select ceil(${tokens}::numeric * p.input_per_mtok * s.credits_per_usd * s.markup_bps / 1e10)::bigint as charge
    from public.ai_model_prices p cross join public.ai_settings s
    where p.model_id = ${model} order by p.effective_from desc limit 1`;
  return row!.charge;
}

interface Answer {
  embeddings: number[][];
  status: string;
  creditsUsed: string;
  balance: string;
  usage: { inputTokens: number };
}

describe('POST /api/ai/embeddings', () => {
  it('the local model: vectors, real token counts × price', async () => {
    const values = ['credits and metering', 'a second text to embed'];
    const before = await available(wallet);
    const response = await embed('local-embed', values);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Answer;
    const tokens = values.reduce((sum, value) => sum + countTokens(value), 0);
    expect(body.embeddings).toHaveLength(2);
    expect(body.embeddings[0]).toHaveLength(64);
    expect(body).toMatchObject({ status: 'charged', usage: { inputTokens: tokens } });
    expect(body.creditsUsed).toBe((await expected('local-embed', tokens)).toString());
    expect(await available(wallet)).toBe(before - BigInt(body.creditsUsed));
  });

  it('OpenAI over HTTP: charged by the reported tokens; unknown usage by the gateway count', async () => {
    const ok = (await (await embed('text-embedding-3-small', ['a', 'b', 'c'])).json()) as Answer;
    expect(ok).toMatchObject({ status: 'charged', usage: { inputTokens: 21 } });
    expect(ok.creditsUsed).toBe((await expected('text-embedding-3-small', 21)).toString());

    const unknown = (await (
      await embed('text-embedding-3-small', ['mode=no-usage'])
    ).json()) as Answer;
    // The provider said nothing: the input the gateway counted is charged, not the whole hold.
    expect(unknown.status).toBe('counted');
    const [hold] = await db()<{ amount: bigint; posted_amount: bigint }[]>`
      select amount, posted_amount from public.holds where account_id = ${wallet} order by id desc limit 1`;
    const counted = countTokens('mode=no-usage');
    expect(unknown.creditsUsed).toBe(
      (await expected('text-embedding-3-small', counted)).toString(),
    );
    expect(hold!.posted_amount).toBe(BigInt(unknown.creditsUsed));
    expect(hold!.posted_amount).toBeLessThan(hold!.amount);
  });

  it('a provider failure is a 503 and charges nothing', async () => {
    const before = await available(wallet);
    const response = await embed('text-embedding-3-small', ['mode=error-before']);
    expect(response.status).toBe(503);
    expect(await available(wallet)).toBe(before);
  });

  it('a model used for what it cannot do is a 422', async () => {
    expect((await embed('local-demo', ['hello'])).status).toBe(422);
    const response = await chat(
      await request('/api/ai/chat', {
        user,
        body: {
          model: 'local-embed',
          messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }],
        },
      }),
    );
    expect(response.status).toBe(422);
    expect(await db()`select 1 from public.holds where status = 'pending'`).toHaveLength(0);
    expect(await ledgerCheck()).toEqual([]);
  });
});

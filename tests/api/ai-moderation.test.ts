import { beforeAll, describe, expect, it } from 'vitest';
import { POST as chat } from '../../app/api/ai/chat/route';
import { POST as completions } from '../../app/api/ai/completions/route';
import { POST as images } from '../../app/api/ai/images/generate/route';
import { FLAGGED_OUTPUT_NOTICE, setModerationEnabled } from '@/lib/gateway';
import { db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, ledgerCheck, fundedUser } from '../helpers/ledger';
import {
  FLAG_OUTPUT,
  MOCK_PROMPT_TOKENS,
  MODERATION_ERROR,
  MODERATION_FLAG,
} from '../helpers/mock-openai';
import { serveMockOpenAI } from '../helpers/gateway';

/** Moderation of input (before the hold) and of non-streamed output, with the openai client. */

const mock = serveMockOpenAI();
let user: TestUser;
let wallet: string;

beforeAll(async () => {
  ({ user, wallet } = await fundedUser('Moderated', 2n * CREDIT));
});

async function complete(prompt: string, model = 'gpt-4o-mini') {
  return completions(
    await request('/api/ai/completions', { user, body: { model, prompt, maxOutputTokens: 50 } }),
  );
}

async function counts() {
  const [row] = await db()<{ holds: bigint; events: bigint }[]>`
    select (select count(*) from public.holds)::bigint as holds,
           (select count(*) from public.usage_events)::bigint as events`;
  return row!;
}

async function lastEvent() {
  const [row] = await db()<
    { credits_charged: bigint; metadata: Record<string, unknown>; output_tokens: bigint }[]
  >`select credits_charged, metadata, output_tokens from public.usage_events
    where subject_id = ${user.id} order by id desc limit 1`;
  return row!;
}

interface Problem {
  status: number;
  code: string;
  categories: string[];
}

describe('input moderation', () => {
  it('flagged input is a 422 content_flagged with categories; nothing held or charged', async () => {
    const before = await available(wallet);
    const written = await counts();
    const response = await complete(`please ${MODERATION_FLAG} now`);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as Problem;
    expect(problem).toMatchObject({ code: 'content_flagged', status: 422 });
    expect(problem.categories).toEqual(['harassment', 'violence']);
    expect(await available(wallet)).toBe(before);
    expect(await counts()).toEqual(written);
  });

  it('streamed chat and image generation moderate their input too', async () => {
    const before = await available(wallet);
    const written = await counts();
    const streamed = await chat(
      await request('/api/ai/chat', {
        user,
        body: {
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', parts: [{ type: 'text', text: MODERATION_FLAG }] }],
        },
      }),
    );
    expect(streamed.status).toBe(422);
    expect(((await streamed.json()) as Problem).code).toBe('content_flagged');
    const image = await images(
      await request('/api/ai/images/generate', {
        user,
        body: { model: 'gpt-image-1', prompt: `a poster ${MODERATION_FLAG}` },
      }),
    );
    expect(image.status).toBe(422);
    expect(await available(wallet)).toBe(before);
    expect(await counts()).toEqual(written);
  });

  it('a moderation outage fails closed: 503, nothing charged', async () => {
    const before = await available(wallet);
    const written = await counts();
    const response = await complete(`hello ${MODERATION_ERROR}`);
    expect(response.status).toBe(503);
    expect(await available(wallet)).toBe(before);
    expect(await counts()).toEqual(written);
  });

  it('the local provider is never moderated (keyless mode has no moderation)', async () => {
    const requests = mock.requests();
    const response = await complete(`local ${MODERATION_FLAG}`, 'local-demo');
    expect(response.status).toBe(200);
    expect(mock.requests()).toBe(requests);
    expect((await lastEvent()).metadata.moderation).toBeUndefined();
  });

  it('the platform switch turns moderation off (platform admins only)', async () => {
    await expect(setModerationEnabled(user.session, false)).rejects.toMatchObject({ status: 403 });
    await setModerationEnabled('service', false);
    try {
      const response = await complete(`switched off ${MODERATION_FLAG}`);
      expect(response.status).toBe(200);
    } finally {
      await setModerationEnabled('service', true);
    }
    expect((await complete(`back on ${MODERATION_FLAG}`)).status).toBe(422);
  });
});

describe('output moderation (non-streamed)', () => {
  async function expected(outputTokens: number): Promise<bigint> {
    const [row] = await db()<{ charge: bigint }[]>`
      select ceil((${MOCK_PROMPT_TOKENS}::numeric * p.input_per_mtok + ${outputTokens}::numeric * p.output_per_mtok)
                  * s.credits_per_usd * s.markup_bps / 1e10)::bigint as charge
      from public.ai_model_prices p cross join public.ai_settings s
      where p.model_id = 'gpt-4o-mini' order by p.effective_from desc limit 1`;
    return row!.charge;
  }

  it('a clean answer passes and is recorded as moderated', async () => {
    const response = await complete('chunks=3 tell me about ledgers');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { text: string; creditsUsed: string };
    expect(body.text).toBe('tok tok tok ');
    expect(body.creditsUsed).toBe((await expected(3)).toString());
    expect((await lastEvent()).metadata.moderation).toBe('passed');
  });

  it('a flagged answer is replaced with a notice, still charged, recorded as flagged', async () => {
    const before = await available(wallet);
    const response = await complete(`chunks=4 ${FLAG_OUTPUT}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { text: string; status: string; creditsUsed: string };
    expect(body.text).toBe(FLAGGED_OUTPUT_NOTICE);
    expect(body.text).not.toContain(MODERATION_FLAG);
    const charge = await expected(4);
    expect(body).toMatchObject({ status: 'charged', creditsUsed: charge.toString() });
    expect(await available(wallet)).toBe(before - charge);
    const event = await lastEvent();
    expect(event.credits_charged).toBe(charge);
    expect(event.metadata).toMatchObject({
      moderation: 'output_flagged',
      flaggedCategories: ['harassment', 'violence'],
      status: 'charged',
    });
    expect(await db()`select 1 from public.holds where status = 'pending'`).toHaveLength(0);
    expect(await ledgerCheck()).toEqual([]);
  });
});

describe('PII in stored prompts', () => {
  it('the response cache stores answers with e-mails and card numbers redacted', async () => {
    const prompt = 'Remind jane.doe@example.com that card 4111 1111 1111 1111 expires';
    const ask = async () =>
      completions(
        await request('/api/ai/completions', {
          user,
          body: { model: 'local-demo', prompt, maxOutputTokens: 200, cache: true },
        }),
      );
    const first = (await (await ask()).json()) as { text: string; status: string };
    expect(first.status).toBe('charged');
    // The caller gets the model's answer as it was (the local model echoes the prompt).
    expect(first.text).toContain('jane.doe@example.com');

    const stored = await db()<{ response: string; cache_key: string }[]>`
      select response, cache_key from public.ai_response_cache where subject_id = ${user.id}`;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.response).toContain('[email]');
    expect(stored[0]!.response).toContain('[card number]');
    expect(stored[0]!.response).not.toContain('jane.doe');
    expect(stored[0]!.response).not.toContain('4111');
    expect(stored[0]!.cache_key).toMatch(/^[0-9a-f]{64}$/);

    // Nothing else the gateway wrote for these calls holds the prompt.
    const second = (await (await ask()).json()) as { text: string; status: string };
    expect(second.status).toBe('cached');
    expect(second.text).not.toContain('jane.doe');
    const traces = await db()<{ row: string }[]>`
      select row_to_json(e)::text as row from public.usage_events e where e.subject_id = ${user.id}
      union all
      select row_to_json(h)::text from public.holds h where h.account_id = ${wallet}`;
    for (const { row } of traces) {
      expect(row).not.toContain('jane.doe');
      expect(row).not.toContain('4111');
    }
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { POST as chat } from '../../app/api/ai/chat/route';
import { countTokens, generateChat } from '@/lib/gateway';
import { createUser, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, grant, ledgerCheck, walletOf, fundedUser } from '../helpers/ledger';
import { MOCK_PROMPT_TOKENS } from '../helpers/mock-openai';
import { finishMetadata, readUiStream, readUntilText } from '../helpers/ui-stream';
import { serveMockOpenAI } from '../helpers/gateway';

/**
 * The anchor rule against a real OpenAI-compatible HTTP server and the real @ai-sdk/openai client:
 * whatever way a call ends, the wallet is charged the reported usage × the price in force (or the
 * hold when usage is unknown, or nothing when nothing was produced), with zero drift.
 */

serveMockOpenAI();
let user: TestUser;
let wallet: string;
const MODEL = 'gpt-4o-mini';

beforeAll(async () => {
  ({ user, wallet } = await fundedUser('Gateway', 10n * CREDIT));
});

const body = (text: string, extra: Record<string, unknown> = {}) => ({
  model: MODEL,
  maxOutputTokens: 200,
  messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text }] }],
  ...extra,
});

async function streamCall(who: TestUser, text: string, extra: Record<string, unknown> = {}) {
  const response = await chat(
    await request('/api/ai/chat', { user: who, body: body(text, extra) }),
  );
  return { response, chunks: response.ok ? await readUiStream(response) : [] };
}

/** Expected micro-credits for a usage, computed independently in SQL numeric from the DB price. */
async function expectedCharge(input: number, cached: number, output: number): Promise<bigint> {
  const [row] = await db()<{ charge: bigint }[]>`
    select ceil(((${input - cached}::numeric * p.input_per_mtok + ${cached}::numeric * p.cached_input_per_mtok
                 + ${output}::numeric * p.output_per_mtok) * s.credits_per_usd * s.markup_bps) / 1e10)::bigint as charge
    from public.ai_model_prices p cross join public.ai_settings s
    where p.model_id = ${MODEL} order by p.effective_from desc limit 1`;
  return row!.charge;
}

describe('metered calls over HTTP', () => {
  it('mixed calls leave charged == Σ usage × price, no drift, no pending hold', async () => {
    const before = await available(wallet);

    const ok = await streamCall(user, 'mode=ok chunks=7');
    expect(finishMetadata(ok.chunks)).toMatchObject({
      status: 'charged',
      creditsUsed: (await expectedCharge(MOCK_PROMPT_TOKENS, 0, 7)).toString(),
      inputTokens: MOCK_PROMPT_TOKENS,
      outputTokens: 7,
    });
    const text = ok.chunks.filter((c) => c.type === 'text-delta').map((c) => c.delta);
    expect(text.join('')).toBe('tok '.repeat(7));

    const cached = await streamCall(user, 'mode=ok chunks=3 cached=8');
    expect(finishMetadata(cached.chunks)).toMatchObject({
      creditsUsed: (await expectedCharge(MOCK_PROMPT_TOKENS, 8, 3)).toString(),
      cachedTokens: 8,
    });

    const generated = await generateChat(user.session, {
      model: MODEL,
      prompt: [{ role: 'user', content: 'mode=ok chunks=9' }],
      maxOutputTokens: 200,
    });
    expect(generated.text).toBe('tok '.repeat(9));
    expect(generated.outcome.creditsUsed).toBe(await expectedCharge(MOCK_PROMPT_TOKENS, 0, 9));

    // Client disconnect mid-stream: usage never came → the prompt and the relayed output are
    // counted by the gateway and charged at the price in force, far below the hold.
    const controller = new AbortController();
    const abortRequest = new Request(
      await request('/api/ai/chat', { user, body: body('mode=ok chunks=40 latency=20 stall=1') }),
      { signal: controller.signal },
    );
    const aborted = await readUntilText(await chat(abortRequest), () => controller.abort());
    expect(finishMetadata(aborted)).toMatchObject({ status: 'counted' });

    const failedEarly = await streamCall(user, 'mode=error-before');
    expect(failedEarly.chunks.some((c) => c.type === 'error')).toBe(true);
    expect(finishMetadata(failedEarly.chunks)).toMatchObject({
      status: 'voided',
      creditsUsed: '0',
    });

    const failedMid = await streamCall(user, 'mode=error-mid chunks=10 latency=5');
    expect(finishMetadata(failedMid.chunks)).toMatchObject({ status: 'counted' });

    const noUsage = await streamCall(user, 'mode=no-usage chunks=4');
    expect(finishMetadata(noUsage.chunks)).toMatchObject({ status: 'counted' });

    const noUsageGenerated = await generateChat(user.session, {
      model: MODEL,
      prompt: [{ role: 'user', content: 'mode=no-usage chunks=4' }],
    });
    expect(noUsageGenerated.outcome).toMatchObject({
      status: 'counted',
      usage: { outputTokens: countTokens('tok '.repeat(4)) },
    });

    for (const mode of ['rate-limit', 'error-before']) {
      await expect(
        generateChat(user.session, {
          model: MODEL,
          prompt: [{ role: 'user', content: `mode=${mode}` }],
        }),
      ).rejects.toMatchObject({ code: 'unavailable' });
    }

    const events = await db()<
      {
        status: string;
        credits_charged: bigint;
        amount: bigint;
        posted_amount: bigint | null;
        hold_status: string;
        input_tokens: bigint;
        output_tokens: bigint;
        cached_tokens: bigint;
      }[]
    >`
      select e.metadata->>'status' as status, e.credits_charged, h.amount, h.posted_amount,
             h.status as hold_status, e.input_tokens, e.output_tokens, e.cached_tokens
      from public.usage_events e join public.holds h on h.id = (e.metadata->>'holdId')::bigint
      where e.subject_id = ${user.id} order by e.id`;
    expect(events).toHaveLength(10);
    for (const event of events) {
      if (event.status === 'charged') {
        expect(event.credits_charged).toBe(
          await expectedCharge(
            Number(event.input_tokens),
            Number(event.cached_tokens),
            Number(event.output_tokens),
          ),
        );
      } else if (event.status === 'counted') {
        const priced = await expectedCharge(
          Number(event.input_tokens),
          0,
          Number(event.output_tokens),
        );
        expect(event.credits_charged).toBe(priced < event.amount ? priced : event.amount);
        expect(event.credits_charged).toBeLessThan(event.amount);
      } else {
        expect([event.credits_charged, event.hold_status]).toEqual([0n, 'voided']);
      }
      if (event.hold_status === 'posted') expect(event.posted_amount).toBe(event.credits_charged);
    }
    expect(events.map((e) => e.status).sort()).toEqual(
      [
        'charged',
        'charged',
        'charged',
        'counted',
        'counted',
        'counted',
        'counted',
        'voided',
        'voided',
        'voided',
      ].sort(),
    );

    const charged = events.reduce((sum, e) => sum + e.credits_charged, 0n);
    const [posted] = await db()<{ total: bigint }[]>`
      select coalesce(sum(amount), 0)::bigint as total from public.transfers
      where debit_account_id = ${wallet} and kind = 'hold_post'`;
    expect(posted!.total).toBe(charged);
    expect(await available(wallet)).toBe(before - charged);
    expect(
      await db()`select 1 from public.holds where account_id = ${wallet} and status = 'pending'`,
    ).toHaveLength(0);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('a reader that leaves before the first chunk stops the call: counted as a client stop, no pending hold', async () => {
    const before = await available(wallet);
    const response = await chat(
      await request('/api/ai/chat', { user, body: body('mode=ok chunks=40 latency=20 stall=1') }),
    );
    expect(response.status).toBe(200);
    const callId = response.headers.get('x-call-id');
    await response.body!.cancel();
    let row:
      { error_code: string | null; credits_charged: bigint; hold_status: string } | undefined;
    for (let tries = 0; tries < 100 && !row; tries += 1) {
      [row] = await db()<NonNullable<typeof row>[]>`
        select e.error_code, e.credits_charged, h.status as hold_status
        from public.usage_events e join public.holds h on h.id = (e.metadata->>'holdId')::bigint
        where e.request_id = ${`ai:${callId}`}`;
      if (!row) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(row).toMatchObject({ error_code: 'client_aborted' });
    expect(row!.hold_status).not.toBe('pending');
    expect(await available(wallet)).toBe(before - row!.credits_charged);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('50 concurrent calls on a wallet that affords 10 worst-case holds never overspend', async () => {
    const poor = await createUser('Concurrent');
    const poorWallet = await walletOf({ userId: poor.id });
    const probe = await streamCall(poor, 'mode=ok chunks=1');
    expect(probe.response.status).toBe(402);
    const problem = (await probe.response.json()) as { needed: string; available: string };
    const hold = BigInt(problem.needed);
    expect(problem.available).toBe('0');
    await grant(poorWallet, hold * 10n + hold - 1n);
    const granted = await available(poorWallet);

    const results = await Promise.all(
      Array.from({ length: 50 }, () => streamCall(poor, 'mode=ok chunks=5 latency=40')),
    );
    const succeeded = results.filter((r) => r.response.status === 200);
    const refused = results.filter((r) => r.response.status === 402);
    expect(succeeded.length + refused.length).toBe(50);
    expect(succeeded.length).toBeGreaterThanOrEqual(10);
    const perCall = await expectedCharge(MOCK_PROMPT_TOKENS, 0, 5);
    for (const r of succeeded) {
      expect(finishMetadata(r.chunks)).toMatchObject({
        status: 'charged',
        creditsUsed: perCall.toString(),
      });
    }
    const left = await available(poorWallet);
    expect(left).toBeGreaterThanOrEqual(0n);
    expect(granted - left).toBe(perCall * BigInt(succeeded.length));
    expect(
      await db()`select 1 from public.holds where account_id = ${poorWallet} and status = 'pending'`,
    ).toHaveLength(0);
    expect(await ledgerCheck()).toEqual([]);
  });
});

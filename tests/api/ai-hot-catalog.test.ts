import { beforeAll, describe, expect, it } from 'vitest';
import { POST as completions } from '../../app/api/ai/completions/route';
import { createPool } from '../../lib/db/pool';
import { hotCache } from '../../lib/db/hot-config';
import { CONFIG_CHANNEL } from '../../lib/flags';
import { creditsFor } from '../../lib/gateway';
import { createUser, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, grant, walletOf } from '../helpers/ledger';

/**
 * The gateway reads the catalog and prices from memory and admits a call in one statement: a
 * price changed a moment ago is charged from the very next call (admission refuses a stale price
 * id and the call is priced again), a model added a moment ago is found, a refused admission
 * keeps nothing, and a change reaches another instance's cache through NOTIFY within a second.
 */

const MODEL = 'hot-local';
let user: TestUser;

async function complete(body: Record<string, unknown> = {}) {
  return completions(
    await request('/api/ai/completions', {
      user,
      body: { model: MODEL, prompt: 'Plan the week', maxOutputTokens: 20, ...body },
    }),
  );
}

async function setPrice(input: bigint, output: bigint): Promise<bigint> {
  const [row] = await db()<{ id: bigint }[]>`
    insert into public.ai_model_prices (model_id, input_per_mtok, cached_input_per_mtok,
                                        output_per_mtok, effective_from)
    values (${MODEL}, ${input.toString()}, ${input.toString()}, ${output.toString()}, clock_timestamp())
    returning id`;
  return row!.id;
}

async function lastCall(): Promise<{
  priceId: string;
  charged: bigint;
  input: number;
  output: number;
}> {
  const [row] = await db()<
    { price_id: string; credits_charged: bigint; input_tokens: bigint; output_tokens: bigint }[]
  >`
    select e.metadata ->> 'priceId' as price_id, e.credits_charged, e.input_tokens, e.output_tokens
    from public.usage_events e where e.model = ${MODEL} and e.actor_id = ${user.id}
    order by e.id desc limit 1`;
  return {
    priceId: row!.price_id,
    charged: row!.credits_charged,
    input: Number(row!.input_tokens),
    output: Number(row!.output_tokens),
  };
}

async function settings() {
  const [row] = await db()<{ credits_per_usd: bigint; markup_bps: number }[]>`
    select credits_per_usd, markup_bps from public.ai_settings`;
  return { creditsPerUsd: row!.credits_per_usd, markupBps: BigInt(row!.markup_bps) };
}

beforeAll(async () => {
  await db()`update public.plans set requests_per_hour = 1000000, monthly_llm_token_limit = null`;
  user = await createUser('Hot Catalog');
  await grant(await walletOf({ userId: user.id }), 50n * CREDIT);
});

describe('the catalog in memory', () => {
  it('finds a model added a moment ago, and charges a new price from the very next call', async () => {
    await db()`
      insert into public.ai_models (id, provider, provider_model_id, display_name, capabilities,
                                    context_window, max_output_tokens)
      values (${MODEL}, 'local', ${MODEL}, 'Hot local', '{chat,completion}', 8192, 1024)`;
    await db()`insert into public.plan_models (plan_id, model_id)
               select p.plan_id, ${MODEL} from public.plan_models p group by p.plan_id`;
    const first = await setPrice(100_000n, 400_000n);
    expect((await complete()).status).toBe(200);
    const before = await lastCall();
    expect(before.priceId).toBe(first.toString());

    // Ten times dearer, and called at once: no waiting for the cache to hear of it.
    const second = await setPrice(1_000_000n, 4_000_000n);
    expect((await complete()).status).toBe(200);
    const after = await lastCall();
    expect(after.priceId).toBe(second.toString());
    const price = {
      inputPerMtok: 1_000_000n,
      cachedInputPerMtok: 1_000_000n,
      outputPerMtok: 4_000_000n,
      ...(await settings()),
    };
    expect(after.charged).toBe(
      creditsFor(price, {
        inputTokens: after.input,
        cachedInputTokens: 0,
        outputTokens: after.output,
      }),
    );
    const [pending] = await db()<{ n: bigint }[]>`
      select count(*) as n from public.holds h
      where h.status = 'pending' and h.metadata ->> 'model' = ${MODEL}`;
    expect(pending!.n).toBe(0n);
  });

  it('a refused admission keeps nothing: no hold, no request counted', async () => {
    const broke = await createUser('Hot Broke');
    const counted = async () => {
      const [row] = await db()<{ hits: number | null }[]>`
        select max(c.hits) as hits from public.rate_limit_counters c where c.subject_id = ${broke.id}`;
      return row?.hits ?? 0;
    };
    const response = await completions(
      await request('/api/ai/completions', {
        user: broke,
        body: { model: MODEL, prompt: 'Plan the week', maxOutputTokens: 20 },
      }),
    );
    expect(response.status).toBe(402);
    expect(await response.json()).toMatchObject({ code: 'insufficient_credits' });
    expect(await counted()).toBe(0);
    const [holds] = await db()<{ n: bigint }[]>`
      select count(*) as n from public.holds h
      join public.accounts a on a.id = h.account_id where a.user_id = ${broke.id}`;
    expect(holds!.n).toBe(0n);
  });

  it('a price change reaches another instance through NOTIFY within a second', async () => {
    const other = createPool(process.env.DATABASE_URL!, 2);
    try {
      const cache = hotCache<bigint>({
        channel: CONFIG_CHANNEL,
        maxStaleMs: 600_000,
        listen: (channel, onNotify, onListen) => other.listen(channel, onNotify, onListen),
      });
      await cache.ready();
      const inForce = async () => {
        const [row] = await db()<{ id: bigint }[]>`
          select p.id from public.ai_model_prices p where p.model_id = ${MODEL}
          order by p.effective_from desc limit 1`;
        return row!.id;
      };
      const read = () => cache.get(MODEL, inForce);
      const old = await read();
      const changedAt = Date.now();
      const fresh = await setPrice(2_000_000n, 8_000_000n);
      expect(fresh).not.toBe(old);
      while ((await read()) !== fresh) {
        expect(Date.now() - changedAt).toBeLessThan(1_000);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(Date.now() - changedAt).toBeLessThan(1_000);
    } finally {
      await other.end({ timeout: 1 });
    }
  });
});

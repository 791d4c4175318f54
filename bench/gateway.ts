import { randomUUID } from 'node:crypto';
import { createOpenAI } from '@ai-sdk/openai';
import { streamText } from 'ai';
import OpenAI from 'openai';
import { startAppServer } from '../tests/helpers/app-server';
import { startMockOpenAI } from '../tests/helpers/mock-openai';
import {
  benchDatabase,
  fixedCount,
  fmt,
  percentile,
  printSqlProfile,
  startSqlProfile,
  type LoadResult,
} from './harness';

/**
 * npm run bench:gateway — the metered chat path through the app's route (POST /api/ai/chat:
 * session from a Bearer token, body validation, kill switches, rate limit, plan limit, hold,
 * stream in the UI message protocol, settle, usage record) against a direct AI SDK call to the same local OpenAI-compatible mock server. Both run in this
 * process, at the same concurrency and for the same number of calls, in alternating rounds.
 * Prints p50 / p95 / p99 of each, the latency the gateway adds and the throughput ratio. A
 * metered call's latency runs to its last chunk (the one saying what it cost), which goes out
 * before the settlement commits; the direct call's to the end of its stream. A client starts its
 * next call only once the stream has closed (after the settlement), so throughput counts it.
 * Then the OpenAI-compatible endpoint (POST /api/v1/chat/completions, streamed with usage) through
 * a real HTTP server and the official `openai` client with an API key per client, against the
 * same client calling the mock directly.
 */

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
/** Calls per path per round with one client (the latency the gateway adds to one caller). */
const SINGLE_CALLS = Number(process.env.BENCH_SINGLE_CALLS ?? 400);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const MODERATION = process.env.BENCH_MODERATION === 'on';
const PROMPT = `Benchmark request. mode=ok chunks=${Number(process.env.BENCH_CHUNKS ?? 20)} latency=${Number(process.env.BENCH_LATENCY_MS ?? 2)}`;

async function main(): Promise<void> {
  const database = await benchDatabase();
  const mock = await startMockOpenAI();
  process.env.DATABASE_URL = database.url;
  process.env.OPENAI_API_KEY = 'sk-bench';
  process.env.OPENAI_BASE_URL = mock.url;
  process.env.AUTH_JWT_SECRET ??= randomUUID() + randomUUID();
  // Imported after the environment is set: lib/db and lib/env read it once.
  const { POST: chatRoute } = await import('../app/api/ai/chat/route');
  const { signLocalSession } = await import('../lib/auth/local-jwt');
  const { closePool } = await import('../lib/db/pool');
  const { createApiKey } = await import('../lib/api-keys');
  const { observeGatewaySteps } = await import('../lib/gateway');
  const v1Chat = await import('../app/api/v1/chat/completions/route');
  const app = await startAppServer({ '/api/v1/chat/completions': v1Chat });
  try {
    const { sql } = database;
    await startSqlProfile(sql);
    await sql`update public.plans set requests_per_hour = 100000000, monthly_llm_token_limit = null`;
    // Moderation is a second provider round trip per call (on by default when an OpenAI key is
    // set); BENCH_MODERATION=on measures it, the default measures the metering alone.
    await sql`update public.ai_settings set moderation_enabled = ${MODERATION}`;
    // One user per client, as in production where concurrent calls come from many people.
    const tokens: string[] = [];
    const keyClients: OpenAI[] = [];
    for (let i = 0; i < CLIENTS; i += 1) {
      const id = randomUUID();
      const email = `bench-${i}@example.test`;
      await sql`insert into auth.users (id, email) values (${id}, ${email})`;
      const [wallet] = await sql<
        { id: string }[]
      >`select id from public.accounts where user_id = ${id}`;
      await sql`select public.credit_grant(${wallet!.id}, 1000000000000::bigint, 'admin', ${`bench-${i}`})`;
      const [session] = await sql<
        { id: string }[]
      >`select public.local_session_start(${id}, 86400) as id`;
      tokens.push(await signLocalSession({ id, email, sessionId: session!.id }));
      const claims = { sub: id, email, role: 'authenticated' as const, aud: 'authenticated' };
      const key = await createApiKey(
        { userId: id, claims },
        { name: 'bench', scopes: ['ai:chat'] },
      );
      keyClients.push(
        new OpenAI({ baseURL: `${app.url}/api/v1`, apiKey: key.secret, maxRetries: 0 }),
      );
    }
    const body = JSON.stringify({
      model: 'gpt-4o-mini',
      maxOutputTokens: 256,
      messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: PROMPT }] }],
    });
    const direct = createOpenAI({ apiKey: 'sk-bench', baseURL: mock.url }).chat('gpt-4o-mini');

    const runDirect = (calls: number, clients = CLIENTS) =>
      fixedCount(clients, calls, async () => {
        const result = streamText({
          model: direct,
          prompt: PROMPT,
          maxOutputTokens: 256,
          maxRetries: 0,
        });
        await result.consumeStream();
        if ((await result.usage).outputTokens === undefined) throw new Error('no usage');
      });
    const runMetered = (calls: number, clients = CLIENTS) =>
      fixedCount(clients, calls, async (client) => {
        const started = performance.now();
        const response = await chatRoute(
          new Request('http://localhost:3000/api/ai/chat', {
            method: 'POST',
            headers: {
              authorization: `Bearer ${tokens[client]!}`,
              'content-type': 'application/json',
            },
            body,
          }),
        );
        // The caller has its answer with the last chunk (what the call cost); the stream then
        // closes once the settlement has committed, which the next call of this client waits for.
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        let text = '';
        let latencyMs: number | undefined;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
          if (latencyMs === undefined && text.includes('"type":"finish"')) {
            latencyMs = performance.now() - started;
          }
        }
        if (!text.includes('"status":"charged"')) throw new Error(`not charged: ${text}`);
        return { latencyMs };
      });

    const openaiDirect = new OpenAI({ baseURL: mock.url, apiKey: 'sk-bench', maxRetries: 0 });
    const openaiCall = async (client: OpenAI) => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: PROMPT }],
        max_tokens: 256,
        stream: true,
        stream_options: { include_usage: true },
      });
      let usage = false;
      for await (const chunk of stream) if (chunk.usage) usage = true;
      if (!usage) throw new Error('no usage chunk');
    };
    const runOpenAiDirect = (calls: number) =>
      fixedCount(CLIENTS, calls, () => openaiCall(openaiDirect));
    const runOpenAiV1 = (calls: number) =>
      fixedCount(CLIENTS, calls, (client) => openaiCall(keyClients[client]!));

    // Per-step durations of the metered calls of one phase (see lib/gateway/steps.ts).
    let steps = new Map<string, number[]>();
    observeGatewaySteps((step, ms) => {
      const list = steps.get(step) ?? [];
      list.push(ms);
      steps.set(step, list);
    });
    const takeSteps = () => {
      const taken = steps;
      steps = new Map();
      return taken;
    };

    await runDirect(CLIENTS * 4); // warm both paths (JIT, connections, tokenizer)
    await runMetered(CLIENTS * 4);
    takeSteps();
    // One client: the latency the gateway adds to a single caller, nothing queued behind others.
    const singleBaseline: LoadResult[] = [];
    const singleMetered: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      singleBaseline.push(await runDirect(SINGLE_CALLS, 1));
      singleMetered.push(await runMetered(SINGLE_CALLS, 1));
    }
    const singleSteps = takeSteps();
    const baseline: LoadResult[] = [];
    const metered: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      baseline.push(await runDirect(CALLS));
      metered.push(await runMetered(CALLS));
    }
    const concurrentSteps = takeSteps();
    await runOpenAiDirect(CLIENTS * 4);
    await runOpenAiV1(CLIENTS * 4);
    const openaiBaseline: LoadResult[] = [];
    const openaiV1: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      openaiBaseline.push(await runOpenAiDirect(CALLS));
      openaiV1.push(await runOpenAiV1(CALLS));
    }

    const line = (name: string, r: LoadResult) =>
      `${name.padEnd(12)} ${String(r.operations).padStart(6)} ${fmt(r.perSecond)} ${fmt(r.p50)} ${fmt(r.p95)} ${fmt(r.p99)} ${String(r.failures).padStart(9)}`;
    const header = `${'path'.padEnd(12)} ${'calls'.padStart(6)} ${'calls/s'.padStart(9)} ${'p50 ms'.padStart(9)} ${'p95 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'failures'.padStart(9)}`;
    // The best round of each (least disturbed by the machine) is compared.
    const best = (runs: LoadResult[]) => runs.reduce((a, b) => (b.p50 < a.p50 ? b : a));
    const stepLines = (taken: Map<string, number[]>) => {
      for (const [step, list] of taken) {
        list.sort((a, b) => a - b);
        console.log(
          `  step ${step.padEnd(10)} ${String(list.length).padStart(6)} calls  p50 ${fmt(percentile(list, 50))} ms  p99 ${fmt(percentile(list, 99))} ms`,
        );
      }
    };
    console.log(
      `gateway bench: moderation ${MODERATION ? 'on' : 'off'}, ${ROUNDS} rounds, prompt "${PROMPT}"`,
    );
    console.log(`one client, ${SINGLE_CALLS} calls per path per round`);
    console.log(header);
    for (let round = 0; round < ROUNDS; round += 1) {
      console.log(line(`direct #${round + 1}`, singleBaseline[round]!));
      console.log(line(`metered #${round + 1}`, singleMetered[round]!));
    }
    const sb = best(singleBaseline);
    const sm = best(singleMetered);
    console.log(
      `one client: added latency: p50 ${fmt(sm.p50 - sb.p50)} ms, p95 ${fmt(sm.p95 - sb.p95)} ms, p99 ${fmt(sm.p99 - sb.p99)} ms`,
    );
    console.log('one client: gateway steps');
    stepLines(singleSteps);
    console.log(`${CLIENTS} concurrent, ${CALLS} calls per path per round`);
    console.log(header);
    for (let round = 0; round < ROUNDS; round += 1) {
      console.log(line(`direct #${round + 1}`, baseline[round]!));
      console.log(line(`metered #${round + 1}`, metered[round]!));
    }
    const b = best(baseline);
    const m = best(metered);
    console.log(
      `added latency: p50 ${fmt(m.p50 - b.p50)} ms, p95 ${fmt(m.p95 - b.p95)} ms, p99 ${fmt(m.p99 - b.p99)} ms`,
    );
    console.log(`throughput ratio (metered / direct): ${(m.perSecond / b.perSecond).toFixed(3)}`);
    console.log(`${CLIENTS} concurrent: gateway steps`);
    stepLines(concurrentSteps);
    console.log(
      'openai client, streamed with include_usage: the mock directly vs /api/v1 over HTTP',
    );
    for (let round = 0; round < ROUNDS; round += 1) {
      console.log(line(`oa direct #${round + 1}`, openaiBaseline[round]!));
      console.log(line(`oa v1 #${round + 1}`, openaiV1[round]!));
    }
    const ob = best(openaiBaseline);
    const ov = best(openaiV1);
    console.log(
      `v1 added latency: p50 ${fmt(ov.p50 - ob.p50)} ms, p95 ${fmt(ov.p95 - ob.p95)} ms, p99 ${fmt(ov.p99 - ob.p99)} ms`,
    );
    console.log(`throughput ratio (v1 / direct): ${(ov.perSecond / ob.perSecond).toFixed(3)}`);
    const [check] = await sql<{ n: bigint }[]>`select count(*) as n from public.ledger_check()`;
    const [pending] = await sql<
      { n: bigint }[]
    >`select count(*) as n from public.holds where status = 'pending'`;
    const [events] = await sql<{ n: bigint }[]>`select count(*) as n from public.usage_events`;
    console.log(
      `ledger_check problems: ${check!.n}, pending holds: ${pending!.n}, usage rows: ${events!.n}`,
    );
    await printSqlProfile(sql);
  } finally {
    await app.close();
    await closePool();
    await mock.close();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

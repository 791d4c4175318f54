import { randomUUID } from 'node:crypto';
import { createOpenAI } from '@ai-sdk/openai';
import { streamText } from 'ai';
import type { DbSession } from '../lib/db';
import { startMockOpenAI } from '../tests/helpers/mock-openai';
import { benchDatabase, closedLoop, fmt, type LoadResult } from './harness';

/**
 * npm run bench:gateway — the metered chat path (flags, rate limit, plan limit, hold, stream,
 * settle, usage record: lib/ai streamChat, the body read to its end) against a direct AI SDK
 * call to the same local OpenAI-compatible mock server, both in this run, at the same
 * concurrency. Prints p50 / p95 / p99 of each, the added latency and the throughput ratio.
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const PROMPT = `Benchmark request. mode=ok chunks=${Number(process.env.BENCH_CHUNKS ?? 20)} latency=${Number(process.env.BENCH_LATENCY_MS ?? 2)}`;

async function main(): Promise<void> {
  const database = await benchDatabase();
  const mock = await startMockOpenAI();
  process.env.DATABASE_URL = database.url;
  process.env.OPENAI_API_KEY = 'sk-bench';
  process.env.OPENAI_BASE_URL = mock.url;
  // Imported after the environment is set: lib/db and lib/env read it once.
  const { streamChat } = await import('../lib/ai');
  const { closePool } = await import('../lib/db/pool');
  try {
    const { sql } = database;
    await sql`update public.plans set requests_per_hour = 100000000, monthly_llm_token_limit = null`;
    const sessions: DbSession[] = [];
    for (let i = 0; i < CLIENTS; i += 1) {
      const id = randomUUID();
      await sql`insert into auth.users (id, email) values (${id}, ${`bench-${i}@example.test`})`;
      const [wallet] = await sql<
        { id: string }[]
      >`select id from public.accounts where user_id = ${id}`;
      await sql`select public.credit_grant(${wallet!.id}, 1000000000000::bigint, 'admin', ${`bench-${i}`})`;
      sessions.push({
        userId: id,
        claims: { sub: id, role: 'authenticated' as const, aud: 'authenticated' },
      });
    }
    const direct = createOpenAI({ apiKey: 'sk-bench', baseURL: mock.url }).chat('gpt-4o-mini');

    const runDirect = () =>
      closedLoop(database.url, CLIENTS, SECONDS, async () => {
        const result = streamText({
          model: direct,
          prompt: PROMPT,
          maxOutputTokens: 256,
          maxRetries: 0,
        });
        await result.consumeStream();
        if ((await result.usage).outputTokens === undefined) throw new Error('no usage');
      });
    const runMetered = () =>
      closedLoop(database.url, CLIENTS, SECONDS, async (_sql, client) => {
        const response = await streamChat(sessions[client]!, {
          model: 'gpt-4o-mini',
          maxOutputTokens: 256,
          prompt: [{ role: 'user', content: PROMPT }],
        });
        const text = await response.text();
        if (!text.includes('"status":"charged"')) throw new Error('not charged');
      });

    await runDirect(); // warm both paths (JIT, connections)
    await runMetered();
    const baseline = await runDirect();
    const metered = await runMetered();

    const line = (name: string, r: LoadResult) =>
      `${name.padEnd(10)} ${fmt(r.perSecond)} ${fmt(r.p50)} ${fmt(r.p95)} ${fmt(r.p99)} ${String(r.failures).padStart(9)}`;
    console.log(`gateway bench: ${CLIENTS} clients x ${SECONDS}s, prompt "${PROMPT}"`);
    console.log(
      `${'path'.padEnd(10)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(9)} ${'p95 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'failures'.padStart(9)}`,
    );
    console.log(line('direct', baseline));
    console.log(line('metered', metered));
    console.log(
      `added latency: p50 ${fmt(metered.p50 - baseline.p50)} ms, p95 ${fmt(metered.p95 - baseline.p95)} ms, p99 ${fmt(metered.p99 - baseline.p99)} ms`,
    );
    console.log(
      `throughput ratio (metered / direct): ${(metered.perSecond / baseline.perSecond).toFixed(3)}`,
    );
    const [check] = await sql<{ n: bigint }[]>`select count(*) as n from public.ledger_check()`;
    const [pending] = await sql<
      { n: bigint }[]
    >`select count(*) as n from public.holds where status = 'pending'`;
    console.log(`ledger_check problems: ${check!.n}, pending holds: ${pending!.n}`);
  } finally {
    await closePool();
    await mock.close();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

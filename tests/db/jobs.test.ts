import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue, startWorker, stopWorker } from '../../lib/jobs';
import { jobHandlers } from '../../lib/worker';
import { encryptSecret } from '../../lib/core';
import { verifyTollgateSignature } from '../../lib/webhooks/verify';
import { createUser, db, type TestUser } from '../helpers/fixtures';
import { CREDIT, grant, walletOf } from '../helpers/ledger';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

/**
 * The pg-boss worker end to end on this file's own database: it creates its `pgboss` schema,
 * runs the maintenance tick and a webhook dispatch + delivery that were enqueued, stores their
 * results, registers the every-minute schedules, and stops cleanly.
 */

process.env.ENCRYPTION_KEY = 'ef'.repeat(32);

let receiver: WebhookReceiver;
let user: TestUser;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  user = await createUser('Worker User');
  await startWorker({ handlers: jobHandlers, pollingIntervalSeconds: 0.5 });
});

afterAll(async () => {
  await stopWorker();
  await receiver.close();
});

async function finished(name: string, id: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [job] = await db()<{ state: string; output: unknown }[]>`
      select state, output from pgboss.job where name = ${name} and id = ${id}`;
    if (job && ['completed', 'failed'].includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`${name} ${id} still ${job?.state}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('pg-boss worker', () => {
  it('creates its schema and schedules the maintenance tick, email, dispatch and meter events every minute', async () => {
    const schedules = await db()<{ name: string; cron: string }[]>`
      select name, cron from pgboss.schedule order by name`;
    expect(schedules).toEqual([
      { name: 'email.send', cron: '* * * * *' },
      { name: 'maintenance.tick', cron: '* * * * *' },
      { name: 'stripe.meter_events', cron: '* * * * *' },
      { name: 'webhooks.dispatch', cron: '* * * * *' },
    ]);
  });

  it('runs an enqueued maintenance tick: a lot past its expiry is swept', async () => {
    const wallet = await walletOf({ userId: user.id });
    await grant(wallet, 5n * CREDIT, { source: 'promo', expiresAt: new Date(Date.now() + 1000) });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const before = await db()<{ debits: bigint }[]>`
      select debits_posted as debits from public.accounts where id = ${wallet}`;
    expect(before[0]!.debits).toBe(0n);

    const id = await enqueue('maintenance.tick', {});
    const job = await finished('maintenance.tick', id!);
    expect(job.state, JSON.stringify(job.output)).toBe('completed');
    expect(job.output).toMatchObject({ ledger: { lotsExpired: 1 } });
    const after = await db()<{ debits: bigint }[]>`
      select debits_posted as debits from public.accounts where id = ${wallet}`;
    expect(after[0]!.debits).toBe(5n * CREDIT);
  });

  it('dispatches an outbox event and delivers it, signed, through the queue', async () => {
    const secret = 'whsec_worker_test_secret';
    const [endpoint] = await db()<{ id: string }[]>`
      insert into public.webhook_endpoints (user_id, url, event_types, secret_ciphertext, secret_hint)
      values (${user.id}, ${receiver.url}, '{balance.low}', ${encryptSecret(secret)}, 'cret')
      returning id`;
    const [event] = await db()<{ id: string }[]>`
      select private.emit_event(${user.id}, null, 'balance.low', '{"available":"1"}'::jsonb) as id`;

    const id = await enqueue('webhooks.dispatch', {});
    const job = await finished('webhooks.dispatch', id!);
    // Other events of this user (alerts the tick raised) go out too, to nobody: one delivery.
    expect(job).toMatchObject({ state: 'completed', output: { deliveries: 1 } });
    expect((job.output as { events: number }).events).toBeGreaterThanOrEqual(1);
    const [hit] = await receiver.waitFor(1);
    expect(hit!.headers['tollgate-event-id']).toBe(event!.id);
    expect(
      verifyTollgateSignature(hit!.body, String(hit!.headers['tollgate-signature']), secret),
    ).toBe(true);
    const delivered = async () =>
      (
        await db()<{ status: string; attempts: number }[]>`
          select status, attempts from public.webhook_deliveries where endpoint_id = ${endpoint!.id}`
      )[0];
    const deadline = Date.now() + 10_000;
    while ((await delivered())?.status !== 'succeeded' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await delivered()).toEqual({ status: 'succeeded', attempts: 1 });
    const deliverJobs = await db()<{ state: string }[]>`
      select state from pgboss.job where name = 'webhooks.deliver'`;
    expect(deliverJobs.map((row) => row.state)).toEqual(['completed']);
  });

  it('stops cleanly and can start again', async () => {
    await stopWorker();
    const id = await enqueue('maintenance.tick', {});
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const [waiting] = await db()<
      { state: string }[]
    >`select state from pgboss.job where id = ${id}`;
    expect(waiting!.state).toBe('created'); // nobody works the queue while stopped
    await startWorker({ handlers: jobHandlers, pollingIntervalSeconds: 0.5 });
    expect((await finished('maintenance.tick', id!)).state).toBe('completed');
  });

  it('`npm run worker` (scripts/worker.ts) wakes on a new event, delivers it, and exits on SIGTERM', async () => {
    await stopWorker();
    receiver.received.length = 0;
    const secret = 'whsec_worker_process_secret';
    await db()`
      insert into public.webhook_endpoints (user_id, url, event_types, secret_ciphertext, secret_hint)
      values (${user.id}, ${receiver.url + '/process'}, '{credits.purchased}', ${encryptSecret(secret)}, 'cret')`;
    const root = path.resolve(import.meta.dirname, '../..');
    const worker = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './scripts/server-only.mjs',
        path.join('scripts', 'worker.ts'),
      ],
      { cwd: root, env: { ...process.env, NODE_ENV: 'test' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => worker.on('exit', resolve));
    try {
      const deadline = Date.now() + 30_000;
      while (!output.includes('[worker] ready')) {
        if (Date.now() > deadline) throw new Error(`worker did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // No enqueue here: the NOTIFY of the outbox wakes the dispatcher (the schedule is per minute).
      const [event] = await db()<{ id: string }[]>`
        select private.emit_event(${user.id}, null, 'credits.purchased', '{}'::jsonb) as id`;
      const hits = await receiver.waitFor(1, 20_000);
      expect(hits[0]!.path).toBe('/hooks/process');
      expect(hits[0]!.headers['tollgate-event-id']).toBe(event!.id);
    } finally {
      worker.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM: finishing running jobs');
  });
});

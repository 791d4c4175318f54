import { spawn } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { settleOverdueCalls } from '../../lib/gateway';
import { runMaintenanceTick } from '../../lib/maintenance';
import { db } from '../helpers/fixtures';
import { serveMockOpenAI } from '../helpers/gateway';
import {
  CREDIT,
  allowTestClock,
  available,
  clocked,
  fundedUser,
  ledgerCheck,
} from '../helpers/ledger';

/**
 * Settlement follows the stream's last chunk, so a process can die between the provider call and
 * its settlement. These tests kill a real process (SIGKILL, from inside, at a chosen chunk) in
 * the middle of a metered chat and right after its last chunk, and show the hold is then settled
 * by the accuracy rules exactly once — by the maintenance tick once the call is overdue, never
 * before, never twice, and never again by a process that comes back late.
 */

serveMockOpenAI();
beforeAll(() => allowTestClock());
const root = path.resolve(import.meta.dirname, '../..');

/** Runs tests/helpers/crash-call.ts until it dies; returns the call id it printed. */
async function crashCall(
  session: unknown,
  at: 'mid' | 'last',
  prompt: string,
): Promise<{ callId: string; output: string; signal: NodeJS.Signals | null }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './scripts/server-only.mjs',
      path.join('tests', 'helpers', 'crash-call.ts'),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        CRASH_SESSION: JSON.stringify(session),
        CRASH_AT: at,
        CRASH_PROMPT: prompt,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, killed) => resolve(killed)),
  );
  const callId = /call ([0-9a-f-]{36})/.exec(output)?.[1];
  if (!callId) throw new Error(`the call did not start:\n${output}`);
  return { callId, output, signal };
}

async function holdOf(callId: string) {
  const [hold] = await db()<
    { id: bigint; amount: bigint; status: string; posted_amount: bigint | null; settle_by: Date }[]
  >`
    select id, amount, status, posted_amount, (metadata ->> 'settleBy')::timestamptz as settle_by
    from public.holds where idempotency_key = ${`ai:${callId}`}`;
  return hold!;
}

async function usageOf(callId: string) {
  return db()<{ credits_charged: bigint; error_code: string | null; status: string }[]>`
    select credits_charged, error_code, metadata ->> 'status' as status
    from public.usage_events where request_id = ${`ai:${callId}`}`;
}

const overdueAt = (at: Date) =>
  clocked(at, async (tx) => {
    const [row] = await tx<{ holds_settled: number }[]>`
      select holds_settled from public.ai_settle_overdue(100)`;
    return row!.holds_settled;
  });

describe('a process that dies during a metered chat', () => {
  it('mid-stream: the hold waits for its settle-by time, then is charged once by the rules', async () => {
    const { user, wallet } = await fundedUser('Crash mid', 10n * CREDIT);
    const before = await available(wallet);
    const { callId, signal } = await crashCall(user.session, 'mid', 'Crash. chunks=3 stall=1');
    expect(signal).toBe('SIGKILL');

    const hold = await holdOf(callId);
    expect(hold.status).toBe('pending');
    expect(await usageOf(callId)).toEqual([]);
    // Still within the call's time: a live process could yet settle it, so nothing happens.
    expect(await overdueAt(new Date(hold.settle_by.getTime() - 1_000))).toBe(0);
    expect((await holdOf(callId)).status).toBe('pending');

    // Past it: charged by the accuracy rules (nothing of its usage is known: the hold), once.
    const after = new Date(hold.settle_by.getTime() + 1_000);
    expect(await overdueAt(after)).toBe(1);
    expect(await overdueAt(after)).toBe(0);
    expect(await holdOf(callId)).toMatchObject({ status: 'posted', posted_amount: hold.amount });
    expect(await usageOf(callId)).toEqual([
      { credits_charged: hold.amount, error_code: 'settlement_lost', status: 'held' },
    ]);
    expect(before - (await available(wallet))).toBe(hold.amount);

    // The process, had it come back late, could not settle it again with another amount.
    await expect(
      db()`select * from public.ai_settle(${hold.id.toString()}::bigint, 1, '{}'::jsonb)`,
    ).rejects.toThrow();
    expect(await usageOf(callId)).toHaveLength(1);
    expect(before - (await available(wallet))).toBe(hold.amount);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('after the last chunk: settled once, by the process or by the tick, never both', async () => {
    const { user, wallet } = await fundedUser('Crash last', 10n * CREDIT);
    const before = await available(wallet);
    const { callId, signal } = await crashCall(user.session, 'last', 'Crash late. chunks=4');
    expect(signal).toBe('SIGKILL');
    const hold = await holdOf(callId);
    const after = new Date(hold.settle_by.getTime() + 1_000);
    await overdueAt(after);
    await overdueAt(after);

    const settledHold = await holdOf(callId);
    expect(settledHold.status).toBe('posted');
    const usage = await usageOf(callId);
    expect(usage).toHaveLength(1);
    // Either the process's settlement committed before it died (charged by usage), or the tick
    // charged the hold; the wallet moved by exactly what the one usage row says.
    expect(['charged', 'held']).toContain(usage[0]!.status);
    expect(usage[0]!.credits_charged).toBe(settledHold.posted_amount);
    expect(before - (await available(wallet))).toBe(usage[0]!.credits_charged);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('the maintenance tick runs it, and a call settled by its process is left alone', async () => {
    expect(await settleOverdueCalls()).toBe(0);
    const tick = await runMaintenanceTick();
    expect(tick.overdueCalls).toBe(0);
    const [pending] = await db()<{ n: number }[]>`
      select count(*)::int as n from public.holds
      where status = 'pending' and idempotency_key like 'ai:%'`;
    expect(pending!.n).toBe(0);
  });
});

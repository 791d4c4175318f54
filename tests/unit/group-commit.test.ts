import { afterAll, describe, expect, it } from 'vitest';
import { groupCommit } from '../../lib/db/group-commit';
import { closePool } from '../../lib/db/pool';

// The scheduler alone: `run` stands in for the batch statement, so only the batching is tested
// here (tests/db/ledger-group-commit.test.ts runs it against the database). The pool is created
// but never connects.
process.env.DATABASE_URL ??= 'postgres://nobody@127.0.0.1:9/none';
afterAll(() => closePool());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('group commit scheduling', () => {
  it('callers that answer together travel together: a late caller joins the next full batch', async () => {
    const sizes: number[] = [];
    const commit = groupCommit<number, number>({
      keyOf: () => 'one wallet',
      run: async (_sql, items) => {
        sizes.push(items.length);
        await pause(2);
        return items;
      },
    });
    // Eight callers in a closed loop on one key; caller 0 is late once, after its first answer.
    await Promise.all(
      Array.from({ length: 8 }, async (_, caller) => {
        for (let i = 0; i < 12; i += 1) {
          expect(await commit(caller * 100 + i)).toBe(caller * 100 + i);
          // As in the app, the answer passes a few awaits before the caller's next call.
          for (let hop = 0; hop < 4; hop += 1) await Promise.resolve();
          if (caller === 0 && i === 0) await pause(1);
        }
      }),
    );
    // Sending the next batch the moment one commits, the late caller's batch and the other
    // seven's alternated from then on (8, 7, 1, 7, 1, 7 …): twice the commits for the same work.
    // After the late caller's batch (8, 7), every batch is full again but the late caller's last.
    expect(sizes).toEqual([8, 7, ...Array<number>(10).fill(8), 1]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(96);
  });

  it('a caller alone is sent at once: each call runs before a zero-delay timer set with it', async () => {
    let timerFired = false;
    const commit = groupCommit<number, boolean>({
      keyOf: () => 'alone',
      run: async (_sql, items) => items.map(() => timerFired),
    });
    for (let i = 0; i < 20; i += 1) {
      timerFired = false;
      const timer = setTimeout(() => (timerFired = true), 0);
      // A batch that waited for any timer (even 0 ms) would see this one fire first.
      expect(await commit(i)).toBe(false);
      clearTimeout(timer);
    }
  });
});

import type postgres from 'postgres';
import { getPool } from './pool';

/**
 * Group commit with natural batching. Calls that arrive while a batch is committing wait in a
 * queue and go together as the next batch, one SQL statement in one transaction; a call that
 * arrives when nothing is in flight leaves at once (after the current tick, so calls made
 * together travel together), with no timer: one client alone is never slowed, and under load
 * many calls share one commit.
 *
 * Calls are spread over a few lanes by a key (a wallet), each lane with at most one batch in
 * flight: batches of different lanes commit in parallel, and calls on one key always queue in
 * one lane, so a process never races itself for the same row.
 *
 * The statement is the batch function itself, sent on the pool outside withUser/asService: the
 * function runs each item as that item's caller (role and claims) and reports each item's outcome
 * in its own row, so a refused item never fails its neighbours.
 */

interface Pending<Item, Outcome> {
  item: Item;
  resolve: (outcome: Outcome) => void;
  reject: (error: unknown) => void;
}

interface Lane<Item, Outcome> {
  queue: Pending<Item, Outcome>[];
  busy: boolean;
}

export interface GroupCommitOptions<Item, Outcome> {
  /** Runs one batch as one statement; returns one outcome per item, in the items' order. */
  run: (sql: postgres.Sql, items: Item[]) => Promise<Outcome[]>;
  /** The key whose calls share a lane (and so never race each other). */
  keyOf: (item: Item) => string;
  lanes?: number;
  maxBatch?: number;
}

export type GroupCommit<Item, Outcome> = (item: Item) => Promise<Outcome>;

function laneIndex(key: string, lanes: number): number {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619);
  return (hash >>> 0) % lanes;
}

export function groupCommit<Item, Outcome>(
  options: GroupCommitOptions<Item, Outcome>,
): GroupCommit<Item, Outcome> {
  const laneCount = Math.max(1, options.lanes ?? 4);
  const maxBatch = Math.max(1, options.maxBatch ?? 256);
  const lanes: Lane<Item, Outcome>[] = Array.from({ length: laneCount }, () => ({
    queue: [],
    busy: false,
  }));

  function flush(lane: Lane<Item, Outcome>) {
    if (lane.busy || lane.queue.length === 0) return;
    lane.busy = true;
    const batch = lane.queue.splice(0, maxBatch);
    Promise.resolve()
      .then(() =>
        options.run(
          getPool(),
          batch.map((pending) => pending.item),
        ),
      )
      .then(
        (outcomes) => {
          batch.forEach((pending, i) => pending.resolve(outcomes[i]!));
        },
        (error: unknown) => {
          for (const pending of batch) pending.reject(error);
        },
      )
      .finally(() => {
        // The next batch leaves once this turn's callbacks have run: the callers just answered
        // send their next calls in it, and they join the calls that queued meanwhile instead of
        // forming a second, half-full batch that alternates with this one for good.
        setImmediate(() => {
          lane.busy = false;
          flush(lane);
        });
      });
  }

  return (item) =>
    new Promise<Outcome>((resolve, reject) => {
      const lane = lanes[laneIndex(options.keyOf(item), laneCount)]!;
      lane.queue.push({ item, resolve, reject });
      if (!lane.busy && lane.queue.length === 1) queueMicrotask(() => flush(lane));
    });
}

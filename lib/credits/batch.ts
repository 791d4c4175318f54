import 'server-only';
import postgres from 'postgres';
import { groupCommit, type DbSession } from '@/lib/db';

/**
 * Group commit of the ledger's value moves (public.credit_batch): spends, holds, settlements and
 * voids that run in their own transaction today are gathered while the previous batch commits
 * and sent as one call. Each item runs the same public function as the same caller would (a
 * user's spend or hold as `authenticated` with their claims, a settlement or void as the
 * service), so every check and every answer is the one the single call gives; a refused item
 * comes back as its own PostgresError, which ledgerError maps exactly as before.
 *
 * Moves that run inside a caller's transaction (the gateway's admission, a settlement committed
 * with its usage row) are not batched: their atomicity with the caller's other statements is the
 * point, so they keep the single call.
 */

export type BatchItem =
  | {
      op: 'spend';
      claims: DbSession['claims'];
      wallet: string;
      amount: string;
      category: string;
      key: string;
      description: string | null;
      metadata: Record<string, unknown>;
    }
  | {
      op: 'reserve';
      claims: DbSession['claims'];
      wallet: string;
      amount: string;
      category: string;
      key: string;
      ttl: number;
      description: string | null;
      metadata: Record<string, unknown>;
    }
  | { op: 'settle'; hold: string; actual: string }
  | { op: 'void'; hold: string };

export interface BatchRow {
  idx: number;
  transfer_id: bigint | null;
  hold_id: bigint | null;
  amount: bigint | null;
  expires_at: Date | null;
  posted: bigint | null;
  released: bigint | null;
  shortfall: bigint | null;
  available: bigint | null;
  replayed: boolean | null;
  error_code: string | null;
  error_message: string | null;
  error_hint: string | null;
}

/** A row with nothing in it, for single calls to fill in. */
export const emptyRow: BatchRow = {
  idx: 0,
  transfer_id: null,
  hold_id: null,
  amount: null,
  expires_at: null,
  posted: null,
  released: null,
  shortfall: null,
  available: null,
  replayed: null,
  error_code: null,
  error_message: null,
  error_hint: null,
};

/** An item lost a lock race with another instance's batch: it runs again on its own. */
const RETRY_ALONE = new Set(['40P01', '40001']);

async function runBatch(sql: postgres.Sql, items: BatchItem[]): Promise<BatchRow[]> {
  const rows = await sql<BatchRow[]>`
    select * from public.credit_batch(${sql.json(items as unknown as postgres.JSONValue)})`;
  const byIndex = new Array<BatchRow>(items.length);
  for (const row of rows) byIndex[row.idx - 1] = row;
  return byIndex;
}

const commit = groupCommit<BatchItem, BatchRow>({
  run: runBatch,
  keyOf: (item) => ('wallet' in item ? item.wallet : `hold:${item.hold}`),
  lanes: Number(process.env.LEDGER_BATCH_LANES ?? 4),
});

/**
 * Runs one move through group commit and returns its row, or throws its own error. `alone` runs
 * the single call instead (the same function, as the same caller) when the batch lost a deadlock
 * to another instance.
 */
export async function batched(item: BatchItem, alone: () => Promise<BatchRow>): Promise<BatchRow> {
  const row = await commit(item);
  if (!row) throw new Error('credit_batch returned no row for an item');
  if (row.error_code === null) return row;
  if (RETRY_ALONE.has(row.error_code)) return alone();
  throw new postgres.PostgresError({
    code: row.error_code,
    message: row.error_message ?? 'Request refused.',
    hint: row.error_hint ?? undefined,
  } as unknown as string);
}

import 'server-only';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError, toAppError } from '@/lib/core';
import { withUser, type DbSession } from '@/lib/db';
import { isPlatformAdmin } from './guard';
import { checkBatchRows, parseBatchCsv, type BatchRow, type BatchRowError } from './batch-rows';

/**
 * Batch credit operations for platform admins: many wallets in one all-or-nothing SQL call
 * (public.admin_credit_batch). Every row is an ordinary audited admin grant lot, or an
 * adjustment for a negative amount, with its own idempotency key: the row's `key` when given,
 * else the batch key and the row number. Without a batch key the batch's content is the key, so
 * sending the same batch twice changes nothing the second time.
 */

const batchReason = z
  .string()
  .trim()
  .min(3, 'Give a reason (at least 3 characters).')
  .max(500, 'Keep the reason under 500 characters.');

export const batchKey = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

interface BatchRowResult {
  row: number;
  walletId: string;
  target: string;
  /** Micro-credits; negative for an adjustment. */
  amount: bigint;
  transferId: bigint;
  replayed: boolean;
}

interface BatchResult {
  batchKey: string;
  rows: BatchRowResult[];
  /** Micro-credits granted and taken back by the rows that were new (not replayed). */
  granted: bigint;
  adjusted: bigint;
}

interface BatchRequest {
  reason: string;
  batchKey?: string | undefined;
  /** Rows in the JSON shape (see lib/admin/batch-rows). */
  rows: unknown[];
}

function rowFailure(errors: BatchRowError[]): AppError {
  const first = errors[0]!;
  return new AppError(
    'validation_failed',
    first.row > 0 ? `Row ${first.row}: ${first.message}` : first.message,
    { row: first.row, errors },
  );
}

function contentKey(rows: BatchRow[], reason: string): string {
  const canonical = JSON.stringify({
    reason,
    rows: rows.map((row) => [
      row.target.kind,
      row.target.value,
      String(row.amount),
      row.expiresAt,
      row.key,
    ]),
  });
  return `sha256-${createHash('sha256').update(canonical).digest('hex').slice(0, 40)}`;
}

/** Platform admins only: a signed-in non-admin is refused with 403 before anything is read. */
export async function requireBatchAdmin(session: DbSession): Promise<void> {
  if (!(await isPlatformAdmin(session))) {
    throw new AppError('forbidden', 'Only platform admins grant credits.');
  }
}

export async function runCreditBatch(
  session: DbSession,
  request: BatchRequest,
): Promise<BatchResult> {
  await requireBatchAdmin(session);
  const reason = batchReason.safeParse(request.reason);
  if (!reason.success) {
    throw new AppError('validation_failed', reason.error.issues[0]?.message ?? 'Invalid reason.', {
      field: 'reason',
    });
  }
  const key = request.batchKey === undefined ? undefined : batchKey.safeParse(request.batchKey);
  if (key && !key.success) {
    throw new AppError('validation_failed', `batchKey: ${key.error.issues[0]?.message}`, {
      field: 'batchKey',
    });
  }
  const { rows, errors } = checkBatchRows(request.rows);
  if (errors.length > 0) throw rowFailure(errors);
  const effectiveKey = key?.data ?? contentKey(rows, reason.data);

  const payload = rows.map((row) => ({
    [row.target.kind]: row.target.value,
    amount: row.amount.toString(),
    ...(row.expiresAt ? { expiresAt: row.expiresAt } : {}),
    ...(row.key ? { key: row.key } : {}),
  }));
  const result = await withUser(
    session,
    (tx) =>
      tx<
        {
          row_number: number;
          wallet_id: string;
          target: string;
          amount: bigint;
          transfer_id: bigint;
          replayed: boolean;
        }[]
      >`select * from public.admin_credit_batch(${tx.json(payload)}, ${reason.data}, ${effectiveKey})`,
  ).catch((error: unknown) => {
    throw toAppError(error) ?? error;
  });
  const out = result.map((row) => ({
    row: row.row_number,
    walletId: row.wallet_id,
    target: row.target,
    amount: row.amount,
    transferId: row.transfer_id,
    replayed: row.replayed,
  }));
  const fresh = out.filter((row) => !row.replayed);
  return {
    batchKey: effectiveKey,
    rows: out,
    granted: fresh.reduce((sum, row) => (row.amount > 0n ? sum + row.amount : sum), 0n),
    adjusted: fresh.reduce((sum, row) => (row.amount < 0n ? sum - row.amount : sum), 0n),
  };
}

/** The same from CSV text (see parseBatchCsv for the columns). */
export async function runCreditBatchCsv(
  session: DbSession,
  request: { reason: string; batchKey?: string | undefined; csv: string },
): Promise<BatchResult> {
  await requireBatchAdmin(session);
  const { inputs, errors } = parseBatchCsv(request.csv);
  if (errors.length > 0) throw rowFailure(errors);
  return runCreditBatch(session, {
    reason: request.reason,
    batchKey: request.batchKey,
    rows: inputs,
  });
}

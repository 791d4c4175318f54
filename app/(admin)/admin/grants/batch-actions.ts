'use server';

import 'server-only';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { action, type ActionResult } from '@/lib/api';
import { runCreditBatchCsv } from '@/lib/admin';

// Shape only; lib/admin checks the caller, the reason and every row (all rows or none).
const batchForm = z.object({
  reason: z.string().max(600),
  csv: z.string().max(1_000_000, 'The CSV is larger than 1 MB.'),
  batchKey: z.string().max(100).optional(),
});

interface BatchRowView {
  row: number;
  walletId: string;
  target: string;
  /** Micro-credits as a decimal string; negative for an adjustment. */
  amount: string;
  transferId: string;
  replayed: boolean;
}

export interface BatchActionResult {
  batchKey: string;
  rows: BatchRowView[];
  granted: string;
  adjusted: string;
}

const batch = action(batchForm, async (input, session) => {
  const result = await runCreditBatchCsv(session, input);
  revalidatePath('/admin/grants');
  return {
    batchKey: result.batchKey,
    granted: result.granted.toString(),
    adjusted: result.adjusted.toString(),
    rows: result.rows.map((row) => ({
      row: row.row,
      walletId: row.walletId,
      target: row.target,
      amount: row.amount.toString(),
      transferId: row.transferId.toString(),
      replayed: row.replayed,
    })),
  };
});

/** Grants (or adjusts) credits for every row of a CSV in one all-or-nothing operation. */
export async function batchGrantAction(
  input: z.input<typeof batchForm>,
): Promise<ActionResult<BatchActionResult>> {
  return batch(input);
}

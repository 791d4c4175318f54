'use server';

import 'server-only';
import { randomUUID } from 'node:crypto';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { action, type ActionResult } from '@/lib/api';
import { grantAdminCredits } from '@/lib/admin';

// Shape only; lib/admin validates the values (and checks the caller is a platform admin).
const grantForm = z.object({
  target: z.string().max(300),
  amount: z.string().max(40),
  reason: z.string().max(600),
  idempotencyKey: z.string().max(100).optional(),
});

const grant = action(grantForm, async (input, session) => {
  const result = await grantAdminCredits(session, {
    ...input,
    idempotencyKey: input.idempotencyKey ?? randomUUID(),
  });
  revalidatePath('/admin/grants');
  return {
    transferId: result.transferId.toString(),
    walletLabel: result.walletLabel,
    amount: result.amount.toString(),
    replayed: result.replayed,
  };
});

interface GrantActionResult {
  transferId: string;
  walletLabel: string;
  /** Micro-credits as a decimal string. */
  amount: string;
  replayed: boolean;
}

/** Grants credits to a user's or org's wallet with a reason; the grant is its own audit record. */
export async function grantCreditsAction(
  input: z.input<typeof grantForm>,
): Promise<ActionResult<GrantActionResult>> {
  return grant(input);
}

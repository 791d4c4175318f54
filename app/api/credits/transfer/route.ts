import { z } from 'zod';
import { AppError } from '@/lib/core';
import { route } from '@/lib/api';
import { resolveWallet, transferCredits, walletOf } from '@/lib/credits';
import { microAmount } from '@/lib/credits/schemas';

export const runtime = 'nodejs';

const body = z.object({
  from: z.union([z.literal('personal'), z.object({ orgId: z.uuid() })]).default('personal'),
  to: z.union([z.object({ orgId: z.uuid() }), z.object({ userId: z.uuid() })]),
  amount: microAmount,
  description: z.string().trim().max(500).optional(),
});

/**
 * Moves credits: personal → an org you belong to, or (owners/admins) org → a member.
 * Requires an Idempotency-Key header; a retry returns the first transfer.
 */
export const POST = route({ body }, async ({ session, body, idempotencyKey }) => {
  if (!idempotencyKey) {
    throw new AppError(
      'validation_failed',
      'Send an Idempotency-Key header so a retry cannot move credits twice.',
    );
  }
  const fromWalletId = await resolveWallet(
    session,
    body.from === 'personal' ? { type: 'personal' } : { type: 'org', orgId: body.from.orgId },
  );
  const toWalletId = await walletOf(body.to);
  return transferCredits(session, {
    fromWalletId,
    toWalletId,
    amount: body.amount,
    idempotencyKey,
    description: body.description,
  });
});

'use server';

import 'server-only';
import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { action } from '@/lib/api';
import { resolveWallet } from '@/lib/credits';
import { openBillingPortal, runLocalPortalAction, setSubscriptionCancellation } from '@/lib/stripe';

const wallet = z.object({
  orgId: z.uuid().optional(),
  returnPath: z.string().regex(/^\/[\w/-]*$/),
});

const portal = action(wallet, async (input, session) => {
  const accountId = await resolveWallet(
    session,
    input.orgId ? { type: 'org', orgId: input.orgId } : { type: 'personal' },
  );
  return openBillingPortal(session, accountId, input.returnPath);
});

/** "Manage billing": to the Stripe Customer Portal, or the local test portal. */
export async function openPortalAction(formData: FormData): Promise<{ error: string }> {
  const result = await portal(formData);
  if (!result.ok) return { error: result.error.detail };
  redirect(result.data);
}

const local = action(
  wallet.extend({ control: z.enum(['cancel', 'resume', 'renew', 'fail_payment']) }),
  async (input, session) => {
    const accountId = await resolveWallet(
      session,
      input.orgId ? { type: 'org', orgId: input.orgId } : { type: 'personal' },
    );
    await runLocalPortalAction(session, accountId, input.control);
    revalidatePath(input.returnPath);
    return input.returnPath;
  },
);

/** The local test portal's controls; each goes through the webhook handler. */
export async function localPortalAction(formData: FormData): Promise<{ error: string }> {
  const result = await local(formData);
  if (!result.ok) return { error: result.error.detail };
  redirect(result.data);
}

const cancellation = action(
  wallet.extend({ control: z.enum(['cancel', 'resume']) }),
  async (input, session) => {
    await setSubscriptionCancellation(
      session,
      input.orgId ? { type: 'org', orgId: input.orgId } : { type: 'personal' },
      input.control === 'cancel',
    );
    revalidatePath(input.returnPath);
    return input.returnPath;
  },
);

/**
 * Cancel at the period end, or resume: undoes a scheduled cancellation and calls off a scheduled
 * plan change (the current plan renews).
 */
export async function subscriptionAction(formData: FormData): Promise<{ error: string }> {
  const result = await cancellation(formData);
  if (!result.ok) return { error: result.error.detail };
  redirect(result.data);
}

'use server';

import 'server-only';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { action } from '@/lib/api';
import { completeLocalCheckout } from '@/lib/stripe';

const input = z.object({
  sessionId: z.string().regex(/^cs_local_[0-9a-f]{24}$/),
  outcome: z.enum(['pay', 'cancel']),
});

const complete = action(input, (value, session) =>
  completeLocalCheckout(session, value.sessionId, value.outcome),
);

/** The test checkout's Pay and Cancel buttons: the event goes through the webhook handler. */
export async function finishLocalCheckout(formData: FormData): Promise<{ error: string }> {
  const result = await complete(formData);
  if (!result.ok) return { error: result.error.detail };
  redirect(result.data);
}

'use server';

import 'server-only';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { action } from '@/lib/api';
import { completeLocalSubscription } from '@/lib/stripe';

const input = z.object({ offer: z.string().min(10).max(2000) });

const complete = action(input, (value, session) => completeLocalSubscription(session, value.offer));

/** The test checkout's Subscribe button: the events go through the webhook handler. */
export async function finishLocalSubscription(formData: FormData): Promise<{ error: string }> {
  const result = await complete(formData);
  if (!result.ok) return { error: result.error.detail };
  redirect(result.data);
}

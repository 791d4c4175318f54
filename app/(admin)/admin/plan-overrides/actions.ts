'use server';

import 'server-only';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { action, type ActionResult } from '@/lib/api';
import { setCreditLimit, setSubjectPlan } from '@/lib/admin';

// Shape only; lib/admin validates the values and checks the caller is a platform admin (403).
const planForm = z.object({
  target: z.string().max(300),
  planId: z.string().max(40),
  reason: z.string().max(600),
});
const limitForm = z.object({
  target: z.string().max(300).optional(),
  planId: z.string().max(40).optional(),
  limit: z.string().max(40),
  reason: z.string().max(600),
});

const assign = action(planForm, async (input, session) => {
  const result = await setSubjectPlan(session, input);
  revalidatePath('/admin/plan-overrides');
  return { target: result.target, change: result.change, planId: input.planId };
});

/** Moves a user or org to a plan, with a reason; an upgrade at once, a downgrade at period end. */
export async function setPlanAction(
  input: z.input<typeof planForm>,
): Promise<ActionResult<{ target: string; change: string; planId: string }>> {
  return assign(input);
}

const limit = action(limitForm, async (input, session) => {
  const body = input.planId
    ? { planId: input.planId, limit: input.limit, reason: input.reason }
    : { target: input.target ?? '', limit: input.limit, reason: input.reason };
  await setCreditLimit(session, body);
  revalidatePath('/admin/plan-overrides');
  return { cleared: input.limit.trim() === '' };
});

/** Sets (or, when empty, clears) a wallet's or a plan's pay-as-you-go credit limit, with a reason. */
export async function setCreditLimitAction(
  input: z.input<typeof limitForm>,
): Promise<ActionResult<{ cleared: boolean }>> {
  return limit(input);
}

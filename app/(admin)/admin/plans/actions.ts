'use server';

import 'server-only';
import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import { action, type ActionResult } from '@/lib/api';
import { savePlan, saveTokenType, setPlanAllowance } from '@/lib/plans';
import { savePlanPrice } from '@/lib/stripe';
import { allowancesForm, planForm, tokenTypeForm } from './plan-form-schema';
import { priceForm } from './price-form-schema';

// lib/plans' SQL functions check that the caller is a platform admin.

const save = action(planForm, async (input, session) => {
  const { monthlyCredits, ...terms } = input;
  await savePlan(session, { ...terms, monthlyCreditGrant: monthlyCredits });
  revalidatePath('/admin/plans');
  return { id: input.id };
});

export async function savePlanAction(
  input: z.input<typeof planForm>,
): Promise<ActionResult<{ id: string }>> {
  return save(input);
}

const allowances = action(allowancesForm, async (input, session) => {
  for (const item of input.allowances) {
    await setPlanAllowance(session, { planId: input.planId, ...item });
  }
  revalidatePath('/admin/plans');
  return { saved: input.allowances.length };
});

/** Allowances apply from each subscriber's next period. */
export async function saveAllowancesAction(
  input: z.input<typeof allowancesForm>,
): Promise<ActionResult<{ saved: number }>> {
  return allowances(input);
}

const tokenType = action(tokenTypeForm, async (input, session) => {
  await saveTokenType(session, input);
  revalidatePath('/admin/plans');
  return { name: input.name };
});

export async function saveTokenTypeAction(
  input: z.input<typeof tokenTypeForm>,
): Promise<ActionResult<{ name: string }>> {
  return tokenType(input);
}

const price = action(priceForm, async (input, session) => {
  await savePlanPrice(session, input);
  revalidatePath('/admin/plans');
  revalidatePath('/pricing');
  return { planId: input.planId };
});

/** Prices apply to new subscriptions once stripe:sync has created them in Stripe. */
export async function savePlanPriceAction(
  input: z.input<typeof priceForm>,
): Promise<ActionResult<{ planId: string }>> {
  return price(input);
}

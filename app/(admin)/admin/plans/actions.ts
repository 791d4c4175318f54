'use server';

import 'server-only';
import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import { action, type ActionResult } from '@/lib/api';
import { savePlan, saveTokenType, setPlanAllowance } from '@/lib/plans';
import { allowancesForm, planForm, tokenTypeForm } from './plan-form-schema';

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

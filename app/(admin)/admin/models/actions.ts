'use server';

import 'server-only';
import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import { action, type ActionResult } from '@/lib/api';
import { modelActiveInput, setModelActive } from '@/lib/admin';
import { setModelPrice } from '@/lib/gateway';
import { priceAction } from './price-form-schema';

// The catalog's SQL functions check that the caller is a platform admin (403 otherwise).

const price = action(priceAction, async (input, session) => {
  const saved = await setModelPrice(session, input);
  revalidatePath('/admin/models');
  return { priceId: saved.priceId.toString(), effectiveFrom: saved.effectiveFrom.toISOString() };
});

/** Adds a price version (append-only): past usage keeps the price it was charged at. */
export async function setModelPriceAction(
  input: z.input<typeof priceAction>,
): Promise<ActionResult<{ priceId: string; effectiveFrom: string }>> {
  return price(input);
}

const active = action(modelActiveInput, async (input, session) => {
  await setModelActive(session, input);
  revalidatePath('/admin/models');
  return input;
});

/** Turns a model on or off for every caller; its prices stay. */
export async function setModelActiveAction(
  input: z.input<typeof modelActiveInput>,
): Promise<ActionResult<{ modelId: string; active: boolean }>> {
  return active(input);
}

'use server';

import 'server-only';
import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import { action, type ActionResult } from '@/lib/api';
import { orgModelsInput, setOrgModels } from '@/lib/flags';

const save = action(orgModelsInput, async (input, session) => {
  await setOrgModels(session, input);
  revalidatePath('/organizations');
  return { saved: input.models.length };
});

/** Owners and admins: the models members may use (none = all the plan includes). */
export async function saveOrgModelsAction(
  input: z.input<typeof orgModelsInput>,
): Promise<ActionResult<{ saved: number }>> {
  return save(input);
}

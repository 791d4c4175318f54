'use server';

import 'server-only';
import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import { action, type ActionResult } from '@/lib/api';
import {
  deleteFlag,
  flagInput,
  flagRefInput,
  planModelsInput,
  saveFlag,
  setPlanModels,
} from '@/lib/flags';

// The SQL functions check the caller is a platform admin, that every target exists (422) and
// write the audit row with the change.

const save = action(flagInput, async (input, session) => {
  await saveFlag(session, input);
  revalidatePath('/admin/rollouts');
  return { kind: input.kind, target: input.target };
});

/** Creates or replaces a flag with its targeting rules. */
export async function saveRolloutAction(
  input: z.input<typeof flagInput>,
): Promise<ActionResult<{ kind: string; target: string }>> {
  return save(input);
}

const remove = action(flagRefInput, async (input, session) => {
  const deleted = await deleteFlag(session, input);
  revalidatePath('/admin/rollouts');
  return { deleted };
});

/** Deletes a flag: its target is then on for everyone. */
export async function deleteRolloutAction(
  input: z.input<typeof flagRefInput>,
): Promise<ActionResult<{ deleted: boolean }>> {
  return remove(input);
}

const planModels = action(planModelsInput, async (input, session) => {
  await setPlanModels(session, input);
  revalidatePath('/admin/rollouts');
  return { planId: input.planId };
});

/** The models a plan includes (none ticked = every model). */
export async function savePlanModelsAction(
  input: z.input<typeof planModelsInput>,
): Promise<ActionResult<{ planId: string }>> {
  return planModels(input);
}

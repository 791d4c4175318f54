'use server';

import 'server-only';
import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import { action, type ActionResult } from '@/lib/api';
import { endExperiment, endExperimentInput, experimentInput, startExperiment } from '@/lib/flags';

const start = action(experimentInput, async (input, session) => {
  const started = await startExperiment(session, input);
  revalidatePath('/admin/experiments');
  return started;
});

/** Splits a feature's calls between models by weight (one live experiment per feature). */
export async function startExperimentAction(
  input: z.input<typeof experimentInput>,
): Promise<ActionResult<{ id: string }>> {
  return start(input);
}

const end = action(endExperimentInput, async (input, session) => {
  await endExperiment(session, input);
  revalidatePath('/admin/experiments');
  return { id: input.id };
});

/** Stops an experiment, or promotes an arm (its model then serves all the feature's calls). */
export async function endExperimentAction(
  input: z.input<typeof endExperimentInput>,
): Promise<ActionResult<{ id: string }>> {
  return end(input);
}

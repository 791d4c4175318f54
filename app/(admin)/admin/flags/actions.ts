'use server';

import 'server-only';
import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import { action, type ActionResult } from '@/lib/api';
import { aiSettingsForm, deleteFeatureFlag, flagKeyInput, saveAiSettings } from '@/lib/admin';
import { flagInput, setFeatureFlag } from '@/lib/gateway';

// The catalog's SQL functions check that the caller is a platform admin (403 otherwise).

const save = action(flagInput, async (input, session) => {
  await setFeatureFlag(session, input);
  revalidatePath('/admin/flags');
  return { scope: input.scope, key: input.key, enabled: input.enabled };
});

/** Creates or edits a kill switch: enabled = false blocks AI calls for the feature, model or plan. */
export async function saveFlagAction(
  input: z.input<typeof flagInput>,
): Promise<ActionResult<{ scope: string; key: string; enabled: boolean }>> {
  return save(input);
}

const remove = action(flagKeyInput, async (input, session) => {
  const deleted = await deleteFeatureFlag(session, input);
  revalidatePath('/admin/flags');
  return { deleted };
});

/** Deletes a flag: with no flag the feature, model or plan is enabled. */
export async function deleteFlagAction(
  input: z.input<typeof flagKeyInput>,
): Promise<ActionResult<{ deleted: boolean }>> {
  return remove(input);
}

const settings = action(aiSettingsForm, async (input, session) => {
  await saveAiSettings(session, input);
  revalidatePath('/admin/flags');
  revalidatePath('/admin/models');
  return { saved: true };
});

/** Credits per USD of provider cost, the markup and the cache hit charge, in one transaction. */
export async function saveAiSettingsAction(
  input: z.input<typeof aiSettingsForm>,
): Promise<ActionResult<{ saved: boolean }>> {
  return settings(input);
}

'use server';

import 'server-only';
import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import { action, type ActionResult } from '@/lib/api';
import {
  aiSettingsForm,
  deleteFeatureFlag,
  flagKeyInput,
  isPlatformAdmin,
  listFeatureFlags,
  saveAiSettings,
} from '@/lib/admin';
import type { Session } from '@/lib/auth';
import { errors } from '@/lib/core';
import { flagInput, setFeatureFlag } from '@/lib/gateway';
import { assertFlagTarget, type FlagScope } from './targets';

async function isExistingFlag(session: Session, scope: FlagScope, key: string): Promise<boolean> {
  const flags = await listFeatureFlags(session);
  return flags.some((flag) => flag.scope === scope && flag.key === key);
}

// The catalog's SQL functions check that the caller is a platform admin (403 otherwise).

const save = action(flagInput, async (input, session) => {
  // A switch on an unknown key would block nothing: only existing targets (422 otherwise).
  // Non-admins are refused first, by the SQL function, as before.
  if (!(await isPlatformAdmin(session))) throw errors.forbidden();
  if (!input.enabled || !(await isExistingFlag(session, input.scope, input.key))) {
    await assertFlagTarget(session, input.scope, input.key);
  }
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

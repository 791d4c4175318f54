'use server';

import 'server-only';
import { revalidatePath } from 'next/cache';
import { action, type ActionResult } from '@/lib/api';
import { profileNameInput, updateProfileName } from '@/lib/profile';

const rename = action(profileNameInput, async (input, session) => {
  const profile = await updateProfileName(session, input);
  revalidatePath('/', 'layout'); // the header shows the name
  return profile;
});

/** Changes the viewer's display name. */
export async function updateProfileNameAction(input: {
  fullName: string;
}): Promise<ActionResult<{ fullName: string }>> {
  return rename(input);
}

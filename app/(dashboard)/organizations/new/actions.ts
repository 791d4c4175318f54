'use server';

import 'server-only';
import { revalidatePath } from 'next/cache';
import { action, type ActionResult } from '@/lib/api';
import { createOrganization, createOrgInput } from '@/lib/orgs';

const create = action(createOrgInput, async (input, session) => {
  const org = await createOrganization(session, input);
  revalidatePath('/', 'layout'); // the sidebar and dashboard list the viewer's orgs
  return org;
});

/** Creates the organization with the viewer as owner (its wallet is created with it). */
export async function createOrganizationAction(input: {
  name: string;
  slug?: string;
}): Promise<ActionResult<{ id: string; slug: string }>> {
  return create(input);
}

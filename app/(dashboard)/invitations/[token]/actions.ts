'use server';

import 'server-only';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { action } from '@/lib/api';
import { acceptInvitation, invitationToken } from '@/lib/orgs';

const accept = action(z.object({ token: invitationToken }), (input, session) =>
  acceptInvitation(session, input.token),
);

/** Joins the organization, then opens its members page; refusals come back as a message. */
export async function acceptInvitationAction(formData: FormData): Promise<{ error: string }> {
  const result = await accept(formData);
  if (!result.ok) return { error: result.error.detail };
  revalidatePath('/', 'layout');
  redirect(`/organizations/${result.data.orgSlug}/members`);
}

import { z } from 'zod';
import { route } from '@/lib/api';
import { env } from '@/lib/env';
import { inviteInput, inviteMember, listInvitations } from '@/lib/orgs';

export const runtime = 'nodejs';

const params = z.object({ orgId: z.uuid() });

/** Open invitations (owners and admins). */
export const GET = route({ params }, async ({ session, params }) => ({
  items: await listInvitations(session, params.orgId),
}));

/** Invites an email as admin or member; the response carries the link (shown once). */
export const POST = route({ params, body: inviteInput }, async ({ session, params, body }) => {
  const invitation = await inviteMember(session, params.orgId, body);
  return { ...invitation, url: new URL(invitation.path, env().APP_URL).toString() };
});

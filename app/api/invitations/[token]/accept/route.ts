import { z } from 'zod';
import { route } from '@/lib/api';
import { acceptInvitation, invitationToken } from '@/lib/orgs';

export const runtime = 'nodejs';

const params = z.object({ token: invitationToken });

/** Accepts an invitation as the signed-in person (403 when expired or sent to someone else). */
export const POST = route({ params }, async ({ session, params }) =>
  acceptInvitation(session, params.token),
);

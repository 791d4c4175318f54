import { z } from 'zod';
import { route } from '@/lib/api';
import { revokeInvitation } from '@/lib/orgs';

export const runtime = 'nodejs';

const params = z.object({ orgId: z.uuid(), invitationId: z.uuid() });

/** Withdraws an invitation that was not accepted yet. */
export const DELETE = route({ params }, async ({ session, params }) => {
  await revokeInvitation(session, params.invitationId);
  return { ok: true };
});

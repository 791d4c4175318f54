import { z } from 'zod';
import { route } from '@/lib/api';
import { deleteOrganization, renameOrganization, renameOrgInput } from '@/lib/orgs';

export const runtime = 'nodejs';

const params = z.object({ orgId: z.uuid() });

/** Renames the organization (owners and admins); its address stays. */
export const PATCH = route(
  { params, body: renameOrgInput.strict() },
  async ({ session, params, body }) => renameOrganization(session, params.orgId, body),
);

/** Deletes the organization (owners; 409 while its wallet holds credits or calls are running). */
export const DELETE = route({ params }, async ({ session, params }) => {
  await deleteOrganization(session, params.orgId);
  return { ok: true };
});

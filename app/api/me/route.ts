import { route } from '@/lib/api';
import { getProfileWithOrgs } from '@/lib/orgs';
import { deleteAccount, deleteAccountInput } from '@/lib/profile';

export const runtime = 'nodejs';

/** The signed-in user: profile and organization memberships. */
export const GET = route({}, async ({ session }) => getProfileWithOrgs(session));

/**
 * Deletes the signed-in account: personal data goes, the ledger keeps its rows under an
 * anonymised profile. 409 while the user is the only owner of an organization.
 */
export const DELETE = route({ body: deleteAccountInput.strict() }, async ({ session, body }) => {
  await deleteAccount(session, body);
  return { ok: true };
});

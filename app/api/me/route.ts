import { route } from '@/lib/api';
import { getProfileWithOrgs } from '@/lib/orgs';

export const runtime = 'nodejs';

/** The signed-in user: profile and organization memberships. */
export const GET = route({}, async ({ session }) => getProfileWithOrgs(session));

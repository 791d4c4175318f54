import { route } from '@/lib/api';
import { createOrganization, createOrgInput } from '@/lib/orgs';

export const runtime = 'nodejs';

/** Creates an organization: you become its owner, and its wallet is created with it. */
export const POST = route({ body: createOrgInput }, async ({ session, body }) =>
  createOrganization(session, body),
);

import 'server-only';
import { z } from 'zod';
import { withUser, type DbSession } from '@/lib/db';
import { renameOrgInput } from './schemas';

/**
 * The life of an organization after it is created, each step one SQL function that checks the
 * caller inside (supabase/schemas/lifecycle.sql): rename (owners and admins), hand ownership to
 * another member (owners), delete (owners, once the wallet is empty: a 409 says why otherwise).
 */

const uuid = z.uuid();

export async function renameOrganization(
  session: DbSession,
  orgId: string,
  input: z.input<typeof renameOrgInput>,
): Promise<{ name: string }> {
  const { name } = renameOrgInput.parse(input);
  await withUser(session, (tx) => tx`select public.org_rename(${uuid.parse(orgId)}, ${name})`);
  return { name };
}

export async function transferOwnership(
  session: DbSession,
  orgId: string,
  userId: string,
): Promise<void> {
  await withUser(
    session,
    (tx) => tx`select public.org_transfer_ownership(${uuid.parse(orgId)}, ${uuid.parse(userId)})`,
  );
}

export async function deleteOrganization(session: DbSession, orgId: string): Promise<void> {
  await withUser(session, (tx) => tx`select public.org_delete(${uuid.parse(orgId)})`);
}

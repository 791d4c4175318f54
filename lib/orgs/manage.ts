import 'server-only';
import { one, AppError } from '@/lib/core';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { withUser, type DbSession } from '@/lib/db';
import { createOrgInput, limitInput, roleInput, slugify } from './schemas';

/**
 * Organization management, each step one SQL function that checks the caller's role inside:
 * create (the creator becomes owner and the org wallet is created with it), change a role,
 * remove a member, leave, and set a member's monthly spending limit on the org wallet.
 */

const uuid = z.uuid();

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && (error as { code?: string }).code === '23505';
}

export async function createOrganization(
  session: DbSession,
  input: z.input<typeof createOrgInput>,
): Promise<{ id: string; slug: string }> {
  const { name, slug } = createOrgInput.parse(input);
  const base = slug ?? slugify(name);
  // A chosen slug must be free; a derived one gets a short suffix when taken.
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const candidate =
      attempt === 0 ? base : `${base.slice(0, 41)}-${randomBytes(3).toString('hex')}`;
    try {
      const row = one(
        await withUser(
          session,
          (tx) =>
            tx<{ id: string }[]>`select public.create_organization(${name}, ${candidate}) as id`,
        ),
        'result of create_organization',
      );
      return { id: row.id, slug: candidate };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (slug) throw new AppError('conflict', `The address “${slug}” is taken. Choose another.`);
    }
  }
  throw new AppError('conflict', 'Could not find a free address for this organization.');
}

export async function changeMemberRole(
  session: DbSession,
  orgId: string,
  userId: string,
  input: z.input<typeof roleInput>,
): Promise<void> {
  const { role } = roleInput.parse(input);
  await withUser(
    session,
    (tx) => tx`select public.org_change_role(${uuid.parse(orgId)}, ${uuid.parse(userId)}, ${role})`,
  );
}

export async function removeMember(session: DbSession, orgId: string, userId: string) {
  await withUser(
    session,
    (tx) => tx`select public.org_remove_member(${uuid.parse(orgId)}, ${uuid.parse(userId)})`,
  );
}

export async function leaveOrganization(session: DbSession, orgId: string): Promise<void> {
  await withUser(session, (tx) => tx`select public.org_leave(${uuid.parse(orgId)})`);
}

/** Sets (micro-credits) or, with null, removes a member's monthly limit on the org wallet. */
export async function setMemberLimit(
  session: DbSession,
  orgId: string,
  userId: string,
  input: z.input<typeof limitInput>,
): Promise<void> {
  const { monthlyLimit } = limitInput.parse(input);
  await withUser(
    session,
    (tx) => tx`select public.org_set_member_limit(${uuid.parse(orgId)}, ${uuid.parse(userId)},
      ${monthlyLimit === null ? null : monthlyLimit.toString()}::bigint)`,
  );
}

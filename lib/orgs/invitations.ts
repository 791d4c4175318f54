import 'server-only';
import { one } from '@/lib/core';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { withUser, type DbSession } from '@/lib/db';
import { queueInvitationEmail } from '@/lib/email';
import { invitationToken, inviteInput } from './schemas';

/**
 * Invitations by email with an expiring single-use link. The token is 32 random bytes shown once
 * (in the link); the database keeps only its SHA-256, so a leaked table cannot be replayed.
 */

const INVITATION_TTL_HOURS = 7 * 24;

function hashToken(token: string): string {
  return createHash('sha256').update(invitationToken.parse(token)).digest('hex');
}

interface CreatedInvitation {
  invitationId: string;
  email: string;
  role: 'admin' | 'member';
  expiresAt: Date;
  /** Path of the accept page; prefix the app's URL to share it. */
  path: string;
  /** The invitation's email is queued (false only when no key is configured to seal its link). */
  emailed: boolean;
}

export async function inviteMember(
  session: DbSession,
  orgId: string,
  input: z.input<typeof inviteInput>,
  ttlHours = INVITATION_TTL_HOURS,
): Promise<CreatedInvitation> {
  const { email, role } = inviteInput.parse(input);
  const token = randomBytes(32).toString('base64url');
  // The invitation and its email are written together: one email per invitation, exactly.
  const { row, emailed } = await withUser(session, async (tx) => {
    const created = one(
      await tx<{ invitation_id: string; expires_at: Date }[]>`
        select * from public.org_invite(${z.uuid().parse(orgId)}, ${email}, ${role},
          ${hashToken(token)}, ${ttlHours})`,
      'result of org_invite',
    );
    return { row: created, emailed: await queueInvitationEmail(tx, created.invitation_id, token) };
  });
  return {
    invitationId: row.invitation_id,
    email,
    role,
    expiresAt: row.expires_at,
    path: `/invitations/${token}`,
    emailed,
  };
}

export interface InvitationPreview {
  orgName: string;
  orgSlug: string;
  email: string;
  role: 'admin' | 'member';
  invitedByName: string;
  expiresAt: Date;
  status: 'pending' | 'expired' | 'accepted' | 'revoked';
  /** The signed-in person's email is the invited one. */
  forCaller: boolean;
}

export async function previewInvitation(
  session: DbSession,
  token: string,
): Promise<InvitationPreview | null> {
  if (!invitationToken.safeParse(token).success) return null;
  const [row] = await withUser(
    session,
    (tx) =>
      tx<
        {
          org_name: string;
          org_slug: string;
          email: string;
          role: 'admin' | 'member';
          invited_by_name: string;
          expires_at: Date;
          status: InvitationPreview['status'];
          for_caller: boolean;
        }[]
      >`select * from public.org_invitation_preview(${hashToken(token)})`,
  );
  if (!row) return null;
  return {
    orgName: row.org_name,
    orgSlug: row.org_slug,
    email: row.email,
    role: row.role,
    invitedByName: row.invited_by_name,
    expiresAt: row.expires_at,
    status: row.status,
    forCaller: row.for_caller,
  };
}

/** Joins the org as the invited role; TG403 when expired or sent to someone else. */
export async function acceptInvitation(
  session: DbSession,
  token: string,
): Promise<{ orgId: string; orgSlug: string; role: string; replayed: boolean }> {
  const row = one(
    await withUser(
      session,
      (tx) => tx<{ org_id: string; org_slug: string; role: string; replayed: boolean }[]>`
      select * from public.org_accept_invitation(${hashToken(token)})`,
    ),
    'result of org_accept_invitation',
  );
  return { orgId: row.org_id, orgSlug: row.org_slug, role: row.role, replayed: row.replayed };
}

export async function revokeInvitation(session: DbSession, invitationId: string): Promise<void> {
  await withUser(
    session,
    (tx) => tx`select public.org_revoke_invitation(${z.uuid().parse(invitationId)})`,
  );
}

interface PendingInvitation {
  id: string;
  email: string;
  role: 'admin' | 'member';
  createdAt: Date;
  expiresAt: Date;
  expired: boolean;
}

/** Open invitations of an org (owners and admins; RLS shows others none). */
export async function listInvitations(
  session: DbSession,
  orgId: string,
): Promise<PendingInvitation[]> {
  const rows = await withUser(
    session,
    (tx) => tx<
      { id: string; email: string; role: 'admin' | 'member'; created_at: Date; expires_at: Date }[]
    >`
      select id, email, role, created_at, expires_at from public.organization_invitations
      where org_id = ${z.uuid().parse(orgId)} and accepted_at is null and revoked_at is null
      order by created_at desc limit 100`,
  );
  const now = Date.now();
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    role: row.role,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    expired: row.expires_at.getTime() <= now,
  }));
}

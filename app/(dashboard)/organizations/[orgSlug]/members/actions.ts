'use server';

import 'server-only';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { AppError } from '@/lib/core';
import { action, type ActionResult } from '@/lib/api';
import { env } from '@/lib/env';
import {
  changeMemberRole,
  inviteMember,
  leaveOrganization,
  removeMember,
  revokeInvitation,
  setMemberLimit,
} from '@/lib/orgs';
import { INVITE_ROLES, ORG_ROLES } from '@/lib/orgs/schemas';
import { parseCredits } from '@/lib/credits/format';

/** Member management for /organizations/[orgSlug]/members; every rule is checked in SQL. */

const org = { orgId: z.uuid(), orgSlug: z.string().min(1).max(48) };
const refresh = (slug: string) => revalidatePath(`/organizations/${slug}`, 'layout');

const invite = action(
  z.object({ ...org, email: z.string(), role: z.enum(INVITE_ROLES) }),
  async (input, session) => {
    const created = await inviteMember(session, input.orgId, input);
    refresh(input.orgSlug);
    return {
      email: created.email,
      url: new URL(created.path, env().APP_URL).toString(),
      path: created.path,
      expiresAt: created.expiresAt.toISOString(),
      emailed: created.emailed,
    };
  },
);

export async function inviteAction(input: {
  orgId: string;
  orgSlug: string;
  email: string;
  role: 'admin' | 'member';
}): Promise<
  ActionResult<{ email: string; url: string; path: string; expiresAt: string; emailed: boolean }>
> {
  return invite(input);
}

const revoke = action(z.object({ ...org, invitationId: z.uuid() }), async (input, session) => {
  await revokeInvitation(session, input.invitationId);
  refresh(input.orgSlug);
  return null;
});

export async function revokeAction(input: {
  orgId: string;
  orgSlug: string;
  invitationId: string;
}): Promise<ActionResult<null>> {
  return revoke(input);
}

const role = action(
  z.object({ ...org, userId: z.uuid(), role: z.enum(ORG_ROLES) }),
  async (input, session) => {
    await changeMemberRole(session, input.orgId, input.userId, { role: input.role });
    refresh(input.orgSlug);
    return null;
  },
);

export async function changeRoleAction(input: {
  orgId: string;
  orgSlug: string;
  userId: string;
  role: 'owner' | 'admin' | 'member';
}): Promise<ActionResult<null>> {
  return role(input);
}

/** The limit arrives in credits as typed ("250", "12.5"); empty removes it. */
const limit = action(
  z.object({ ...org, userId: z.uuid(), credits: z.string().trim().max(20) }),
  async (input, session) => {
    let micro: bigint | null = null;
    if (input.credits !== '') {
      try {
        micro = parseCredits(input.credits);
      } catch {
        throw new AppError('validation_failed', 'Enter a limit like 250 or 12.5 credits.');
      }
    }
    await setMemberLimit(session, input.orgId, input.userId, {
      monthlyLimit: micro === null ? null : micro.toString(),
    });
    refresh(input.orgSlug);
    return null;
  },
);

export async function setLimitAction(input: {
  orgId: string;
  orgSlug: string;
  userId: string;
  credits: string;
}): Promise<ActionResult<null>> {
  return limit(input);
}

const remove = action(z.object({ ...org, userId: z.uuid() }), async (input, session) => {
  await removeMember(session, input.orgId, input.userId);
  refresh(input.orgSlug);
  return null;
});

export async function removeAction(input: {
  orgId: string;
  orgSlug: string;
  userId: string;
}): Promise<ActionResult<null>> {
  return remove(input);
}

const leave = action(z.object(org), async (input, session) => {
  await leaveOrganization(session, input.orgId);
  revalidatePath('/', 'layout');
  return null;
});

export async function leaveAction(input: {
  orgId: string;
  orgSlug: string;
}): Promise<ActionResult<null>> {
  return leave(input);
}

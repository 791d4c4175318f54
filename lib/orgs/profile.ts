import 'server-only';
import { withUser, type DbSession } from '@/lib/db';

export type OrgRole = 'owner' | 'admin' | 'member';

export interface MemberOrg {
  id: string;
  slug: string;
  name: string;
  role: OrgRole;
}

export interface ProfileWithOrgs {
  id: string;
  email: string;
  fullName: string;
  isPlatformAdmin: boolean;
  orgs: MemberOrg[];
}

/** The caller's profile and memberships, read under their own RLS (explicit columns only). */
export async function getProfileWithOrgs(session: DbSession): Promise<ProfileWithOrgs | null> {
  return withUser(session, async (tx) => {
    const [profile] = await tx<{ email: string; full_name: string; is_platform_admin: boolean }[]>`
      select email, full_name, is_platform_admin from public.profiles where id = ${session.userId} and deleted_at is null`;
    if (!profile) return null;
    const orgs = await tx<MemberOrg[]>`
      select o.id, o.slug, o.name, m.role
      from public.organization_members m
      join public.organizations o on o.id = m.org_id
      where m.user_id = ${session.userId}
      order by o.name`;
    return {
      id: session.userId,
      email: profile.email,
      fullName: profile.full_name,
      isPlatformAdmin: profile.is_platform_admin,
      orgs: [...orgs],
    };
  });
}

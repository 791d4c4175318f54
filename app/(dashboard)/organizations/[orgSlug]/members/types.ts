import type { OrgRole } from '@/lib/orgs';

/** What the members page hands its client parts (amounts as micro-credit strings). */

export interface OrgRef {
  orgId: string;
  orgSlug: string;
}

export interface MemberView {
  userId: string;
  name: string;
  email: string;
  role: OrgRole;
  joinedAt: string;
  monthlyLimit: string | null;
  usedThisMonth: string | null;
  spentThisMonth: string | null;
  isSelf: boolean;
}

export interface InvitationView {
  id: string;
  email: string;
  role: 'admin' | 'member';
  expiresAt: string;
  expired: boolean;
}

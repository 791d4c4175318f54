import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { ArrowLeft, Settings } from 'lucide-react';
import { getViewer } from '@/lib/auth';
import { getOrgBySlug, getOrgUsageByMember, listInvitations, listMembers } from '@/lib/orgs';
import { buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { RoleBadge } from '@/components/orgs/role-badge';
import { MemberUsageTable } from '@/components/orgs/member-usage-table';
import { InvitationsList } from './invitations-list';
import { InviteForm } from './invite-form';
import { LeaveButton } from './leave-button';
import { MembersTable } from './members-table';
import { TransferForm } from './transfer-form';
import type { MemberView } from './types';

export const metadata: Metadata = { title: 'Members' };

/**
 * The people of an organization: members with roles, monthly limits and usage; invitations;
 * spending by member; moving credits; leaving. Owners and admins manage, members read.
 */
export default async function MembersPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const { session } = viewer;
  const org = await getOrgBySlug(session, (await params).orgSlug);
  if (!org) notFound();
  const managing = org.role !== 'member';
  const ref = { orgId: org.id, orgSlug: org.slug };

  const [members, invitations, usage] = await Promise.all([
    listMembers(session, org.id),
    managing ? listInvitations(session, org.id) : [],
    managing ? getOrgUsageByMember(session, org.id) : [],
  ]);
  const memberViews: MemberView[] = members.map((member) => ({
    userId: member.userId,
    name: member.fullName,
    email: member.email,
    role: member.role,
    joinedAt: member.joinedAt.toISOString(),
    monthlyLimit: member.monthlyLimit?.toString() ?? null,
    usedThisMonth: member.usedThisMonth?.toString() ?? null,
    spentThisMonth: member.spentThisMonth?.toString() ?? null,
    isSelf: member.userId === session.userId,
  }));

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-3">
        <Link
          href={`/organizations/${org.slug}/credits`}
          className="text-muted-foreground hover:text-foreground inline-flex w-fit items-center gap-1 text-sm"
        >
          <ArrowLeft aria-hidden="true" className="size-4" />
          {org.name} credits
        </Link>
        <Link
          href={`/organizations/${org.slug}/models`}
          className="text-muted-foreground hover:text-foreground w-fit text-sm underline-offset-4 hover:underline"
        >
          Models members may use
        </Link>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div className="flex flex-col gap-1">
            <h1 className="flex items-center gap-3 text-2xl font-semibold tracking-tight">
              Members of {org.name}
              <RoleBadge role={org.role} />
            </h1>
            <p className="text-muted-foreground text-sm">
              {members.length} {members.length === 1 ? 'person shares' : 'people share'} this
              organization’s credit wallet.
            </p>
          </div>
          <div className="flex flex-wrap gap-2">
            <Link
              href={`/organizations/${org.slug}/settings`}
              className={buttonVariants({ variant: 'outline' })}
            >
              <Settings aria-hidden="true" />
              Settings
            </Link>
            <LeaveButton org={ref} orgName={org.name} />
          </div>
        </div>
      </div>

      {managing ? (
        <Card>
          <CardHeader>
            <CardTitle as="h2">Invite people</CardTitle>
            <CardDescription>
              They join with the role you choose when they open the link, signed in with the invited
              email.
            </CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-4">
            <InviteForm org={ref} canInviteAdmins />
            <InvitationsList
              org={ref}
              invitations={invitations.map((invitation) => ({
                id: invitation.id,
                email: invitation.email,
                role: invitation.role,
                expiresAt: invitation.expiresAt.toISOString(),
                expired: invitation.expired,
              }))}
            />
          </CardContent>
        </Card>
      ) : null}

      <Card>
        <CardHeader>
          <CardTitle as="h2">Members</CardTitle>
          <CardDescription>
            {managing
              ? 'Change roles, set monthly spending limits on the organization wallet, or remove people.'
              : 'Everyone in the organization. Your own monthly limit and usage are shown on your row.'}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <MembersTable org={ref} members={memberViews} viewerRole={org.role} />
        </CardContent>
      </Card>

      {managing ? (
        <Card>
          <CardHeader>
            <CardTitle as="h2">Usage by member</CardTitle>
            <CardDescription>
              Credits spent from the organization wallet in the last 30 days.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <MemberUsageTable
              period="the last 30 days"
              rows={usage.map((row) => ({
                key: row.userId ?? 'system',
                name: row.fullName || row.email || 'Service calls',
                email: row.email,
                spent: row.spent.toString(),
                transactions: row.transactions.toString(),
              }))}
            />
          </CardContent>
        </Card>
      ) : null}

      <Card id="move-credits">
        <CardHeader>
          <CardTitle as="h2">Move credits</CardTitle>
          <CardDescription>
            Add credits from your personal wallet
            {managing ? ', or pay credits out to a member’s personal wallet' : ''}.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <TransferForm
            orgId={org.id}
            orgName={org.name}
            members={memberViews}
            canPayOut={managing}
          />
        </CardContent>
      </Card>
    </div>
  );
}

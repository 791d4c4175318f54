import type { Metadata } from 'next';
import Link from 'next/link';
import { ArrowLeft } from 'lucide-react';
import { getWalletSummary, resolveWallet } from '@/lib/credits';
import { formatCredits } from '@/lib/credits/format';
import { listMembers } from '@/lib/orgs';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { RoleBadge } from '@/components/orgs/role-badge';
import { getMemberOrg } from '../member-org';
import { DeleteOrgButton, RenameOrgForm, TransferOwnershipForm } from './org-lifecycle';

export const metadata: Metadata = { title: 'Organization settings' };

/** Rename (owners and admins), hand over and delete (owners) an organization. */
export default async function OrgSettingsPage({
  params,
}: {
  params: Promise<{ orgSlug: string }>;
}) {
  const { viewer, org } = await getMemberOrg((await params).orgSlug);
  const { session } = viewer;
  const managing = org.role !== 'member';
  const owner = org.role === 'owner';
  const [members, summary] = await Promise.all([
    owner ? listMembers(session, org.id) : [],
    owner
      ? resolveWallet(session, { type: 'org', orgId: org.id }).then((walletId) =>
          getWalletSummary(session, walletId),
        )
      : null,
  ]);
  const candidates = members
    .filter((member) => member.userId !== session.userId)
    .map((member) => ({
      userId: member.userId,
      label: member.fullName ? `${member.fullName} (${member.email})` : member.email,
    }));
  const ref = { orgId: org.id, orgName: org.name };

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-3">
        <Link
          href={`/organizations/${org.slug}/members`}
          className="text-muted-foreground hover:text-foreground inline-flex w-fit items-center gap-1 text-sm"
        >
          <ArrowLeft aria-hidden="true" className="size-4" />
          Members of {org.name}
        </Link>
        <h1 className="flex flex-wrap items-center gap-3 text-2xl font-semibold tracking-tight">
          {org.name} settings
          <RoleBadge role={org.role} />
        </h1>
      </div>

      <Card>
        <CardHeader>
          <CardTitle as="h2">Name</CardTitle>
          <CardDescription>
            The address stays /organizations/{org.slug}, so links keep working.
          </CardDescription>
        </CardHeader>
        <CardContent>
          {managing ? (
            <RenameOrgForm {...ref} />
          ) : (
            <p className="text-muted-foreground text-sm">
              Owners and admins rename the organization.
            </p>
          )}
        </CardContent>
      </Card>

      {owner ? (
        <>
          <Card>
            <CardHeader>
              <CardTitle as="h2">Transfer ownership</CardTitle>
              <CardDescription>
                Another member becomes owner; you stay on as an admin.
              </CardDescription>
            </CardHeader>
            <CardContent>
              <TransferOwnershipForm {...ref} candidates={candidates} />
            </CardContent>
          </Card>
          <Card className="border-destructive/40">
            <CardHeader>
              <CardTitle as="h2">Delete organization</CardTitle>
              <CardDescription>
                Possible once the wallet is at zero: move its credits to a member, or settle what it
                owes on pay-as-you-go. Members lose access, open invitations and keys stop working;
                the wallet’s history is kept.
              </CardDescription>
            </CardHeader>
            <CardContent className="flex flex-col gap-3">
              {summary ? <WalletBeforeDelete balance={summary.balance} slug={org.slug} /> : null}
              <DeleteOrgButton {...ref} />
            </CardContent>
          </Card>
        </>
      ) : null}
    </div>
  );
}

/** What stands between the wallet and deleting the org, in the words of the API's refusal. */
function WalletBeforeDelete({ balance, slug }: { balance: bigint; slug: string }) {
  if (balance < 0n) {
    return (
      <p className="text-sm" data-testid="delete-org-wallet">
        The wallet <strong>owes {formatCredits(-balance)} credits</strong> on pay-as-you-go. Settle
        that before deleting:{' '}
        <Link href={`/organizations/${slug}/credits?tab=purchase`} className="underline">
          buy credits
        </Link>{' '}
        to cover it, or pay the invoice that bills it.
      </p>
    );
  }
  if (balance > 0n) {
    return (
      <p className="text-sm" data-testid="delete-org-wallet">
        The wallet holds <strong>{formatCredits(balance)} credits</strong>.{' '}
        <Link href={`/organizations/${slug}/members#move-credits`} className="underline">
          Move them
        </Link>{' '}
        before deleting.
      </p>
    );
  }
  return (
    <p className="text-sm" data-testid="delete-org-wallet">
      The wallet is empty.
    </p>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { MailX } from 'lucide-react';
import { getViewer } from '@/lib/auth';
import { previewInvitation, type InvitationPreview } from '@/lib/orgs';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { LocalTime } from '@/components/billing/local-time';
import { AcceptInvitationForm } from './accept-form';

export const metadata: Metadata = { title: 'Invitation' };

function Unavailable({ title, description }: { title: string; description: string }) {
  return (
    <div className="flex flex-col gap-4">
      <h1 className="sr-only">Invitation</h1>
      <EmptyState
        icon={MailX}
        headingLevel="h2"
        title={title}
        description={description}
        action={
          <Link href="/dashboard" className={buttonVariants({ variant: 'outline', size: 'sm' })}>
            Go to the dashboard
          </Link>
        }
      />
    </div>
  );
}

/** An invitation link: what it invites to, and Join when it is for the signed-in person. */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const { token } = await params;
  const invitation: InvitationPreview | null = await previewInvitation(viewer.session, token);

  if (!invitation || invitation.status === 'revoked') {
    return (
      <Unavailable
        title="This invitation is not valid"
        description="The link is incomplete or was withdrawn. Ask the person who invited you for a new one."
      />
    );
  }
  const role = invitation.role === 'admin' ? 'an admin' : 'a member';
  return (
    <div className="mx-auto flex w-full max-w-lg flex-col gap-6">
      <Card>
        <CardHeader>
          <CardTitle as="h1" className="text-xl">
            Join {invitation.orgName}
          </CardTitle>
          <CardDescription>
            {invitation.invitedByName || 'An admin'} invited {invitation.email} to join as {role}.
            Members spend from the organization’s shared credit wallet.
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          {invitation.status === 'accepted' ? (
            <Link
              href={`/organizations/${invitation.orgSlug}/members`}
              className={buttonVariants()}
            >
              You already accepted — open {invitation.orgName}
            </Link>
          ) : invitation.status === 'expired' ? (
            <Alert variant="warning">
              <AlertTitle>This invitation has expired</AlertTitle>
              <AlertDescription>
                It expired on <LocalTime iso={invitation.expiresAt.toISOString()} />. Ask an admin
                of {invitation.orgName} for a new one.
              </AlertDescription>
            </Alert>
          ) : !invitation.forCaller ? (
            <Alert variant="warning">
              <AlertTitle>This invitation is for someone else</AlertTitle>
              <AlertDescription>
                You are signed in as {viewer.email}, but it was sent to {invitation.email}. Sign out
                and sign in with that address to accept it.
              </AlertDescription>
            </Alert>
          ) : (
            <>
              <p className="text-muted-foreground text-sm">
                Valid until <LocalTime iso={invitation.expiresAt.toISOString()} />.
              </p>
              <AcceptInvitationForm token={token} orgName={invitation.orgName} />
            </>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

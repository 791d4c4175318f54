'use client';

import { useTransition } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { toast } from '@/components/ui/toast';
import { LocalTime } from '@/components/billing/local-time';
import { revokeAction } from './actions';
import type { InvitationView, OrgRef } from './types';

/** Invitations not accepted yet, each of which an owner or admin can withdraw. */
export function InvitationsList({
  org,
  invitations,
}: {
  org: OrgRef;
  invitations: InvitationView[];
}) {
  const [pending, startTransition] = useTransition();
  if (invitations.length === 0) {
    return <p className="text-muted-foreground text-sm">No open invitations.</p>;
  }
  return (
    <ul className="divide-y rounded-lg border">
      {invitations.map((invitation) => (
        <li
          key={invitation.id}
          className="flex flex-wrap items-center justify-between gap-3 px-4 py-3"
        >
          <div className="min-w-0">
            <p className="truncate font-medium">{invitation.email}</p>
            <p className="text-muted-foreground text-xs">
              {invitation.expired ? 'Expired ' : 'Expires '}
              <LocalTime iso={invitation.expiresAt} />
            </p>
          </div>
          <div className="flex items-center gap-2">
            <Badge variant={invitation.role === 'admin' ? 'info' : 'outline'}>
              {invitation.role === 'admin' ? 'Admin' : 'Member'}
            </Badge>
            {invitation.expired ? <Badge variant="warning">Expired</Badge> : null}
            <Button
              size="sm"
              variant="ghost"
              disabled={pending}
              onClick={() =>
                startTransition(async () => {
                  const result = await revokeAction({ ...org, invitationId: invitation.id });
                  toast(
                    result.ok
                      ? {
                          title: `Invitation for ${invitation.email} withdrawn`,
                          variant: 'success',
                        }
                      : { title: result.error.detail, variant: 'destructive' },
                  );
                })
              }
            >
              Withdraw
            </Button>
          </div>
        </li>
      ))}
    </ul>
  );
}

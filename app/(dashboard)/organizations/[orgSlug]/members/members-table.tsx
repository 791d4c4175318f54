'use client';

import { useTransition } from 'react';
import { UserMinus } from 'lucide-react';
import type { OrgRole } from '@/lib/orgs';
import { formatCredits } from '@/lib/credits/format';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Progress } from '@/components/ui/progress';
import { Select } from '@/components/ui/select';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';
import { toast } from '@/components/ui/toast';
import { RoleBadge } from '@/components/orgs/role-badge';
import { changeRoleAction, removeAction } from './actions';
import { MemberLimitDialog } from './member-limit-dialog';
import type { MemberView, OrgRef } from './types';

/** Owners manage everyone; admins manage admins and members; nobody but an owner touches owners. */
function mayManage(viewer: OrgRole, target: MemberView): boolean {
  if (target.isSelf) return false;
  return viewer === 'owner' || (viewer === 'admin' && target.role !== 'owner');
}

function Usage({ member }: { member: MemberView }) {
  if (member.spentThisMonth === null) return <span className="text-muted-foreground">—</span>;
  const spent = formatCredits(member.spentThisMonth);
  if (!member.monthlyLimit) {
    return (
      <span className="flex flex-col">
        <span className="tabular-nums">{spent} spent</span>
        <span className="text-muted-foreground text-xs">No limit</span>
      </span>
    );
  }
  const used = BigInt(member.usedThisMonth ?? '0');
  const limit = BigInt(member.monthlyLimit);
  const percent = limit === 0n ? 100 : Number((used * 100n) / limit);
  const text = `${formatCredits(used)} of ${formatCredits(limit)}`;
  return (
    <span className="flex min-w-40 flex-col gap-1">
      <span className="text-xs tabular-nums">{text}</span>
      <Progress
        value={Math.min(percent, 100)}
        label={`Monthly limit used by ${member.name || member.email}`}
        valueText={`${text} credits`}
        variant={percent >= 100 ? 'danger' : percent >= 80 ? 'warning' : 'default'}
      />
    </span>
  );
}

export function MembersTable({
  org,
  members,
  viewerRole,
}: {
  org: OrgRef;
  members: MemberView[];
  viewerRole: OrgRole;
}) {
  const [pending, startTransition] = useTransition();
  const managing = viewerRole !== 'member';

  const run = (work: () => Promise<{ ok: boolean; error?: { detail: string } }>, done: string) =>
    startTransition(async () => {
      const result = await work();
      toast(
        result.ok
          ? { title: done, variant: 'success' }
          : { title: result.error?.detail ?? 'That did not work.', variant: 'destructive' },
      );
    });

  return (
    <Table stack>
      <TableHeader>
        <TableRow>
          <TableHead>Member</TableHead>
          <TableHead>Role</TableHead>
          <TableHead>This month</TableHead>
          {managing ? <TableHead className="text-right">Actions</TableHead> : null}
        </TableRow>
      </TableHeader>
      <TableBody>
        {members.map((member) => {
          const manageable = mayManage(viewerRole, member);
          const label = member.name || member.email;
          return (
            <TableRow key={member.userId}>
              <TableCell>
                <span className="flex items-center gap-2 font-medium">
                  {label}
                  {member.isSelf ? <Badge variant="secondary">You</Badge> : null}
                </span>
                <span className="text-muted-foreground block text-xs">{member.email}</span>
              </TableCell>
              <TableCell data-label="Role">
                {manageable ? (
                  <div className="w-32">
                    <Select
                      aria-label={`Role of ${label}`}
                      value={member.role}
                      disabled={pending}
                      onChange={(event) => {
                        const role = event.target.value as OrgRole;
                        run(
                          () => changeRoleAction({ ...org, userId: member.userId, role }),
                          `${label} is now ${role}`,
                        );
                      }}
                    >
                      {viewerRole === 'owner' ? <option value="owner">Owner</option> : null}
                      <option value="admin">Admin</option>
                      <option value="member">Member</option>
                    </Select>
                  </div>
                ) : (
                  <RoleBadge role={member.role} />
                )}
              </TableCell>
              <TableCell data-label="This month">
                <Usage member={member} />
              </TableCell>
              {managing ? (
                <TableCell data-label="Actions">
                  <div className="flex justify-end gap-2">
                    {viewerRole === 'owner' || member.role !== 'owner' ? (
                      <MemberLimitDialog org={org} member={member} />
                    ) : null}
                    {manageable ? (
                      <Button
                        size="sm"
                        variant="ghost"
                        disabled={pending}
                        onClick={() => {
                          if (!window.confirm(`Remove ${label} from the organization?`)) return;
                          run(
                            () => removeAction({ ...org, userId: member.userId }),
                            `${label} was removed`,
                          );
                        }}
                      >
                        <UserMinus aria-hidden="true" />
                        Remove
                      </Button>
                    ) : null}
                  </div>
                </TableCell>
              ) : null}
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { callApi } from '@/lib/api/client';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { toast } from '@/components/ui/toast';

/** Rename, hand over and delete an organization, each one call to its route handler. */

interface OrgProps {
  orgId: string;
  orgName: string;
}

function useCall() {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (work: () => Promise<void>) =>
    startTransition(async () => {
      setError(null);
      try {
        await work();
      } catch (caught) {
        setError(caught instanceof Error ? caught.message : 'Something went wrong.');
      }
    });
  return { pending, error, run };
}

function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p role="alert" className="text-destructive text-sm">
      {error}
    </p>
  ) : null;
}

export function RenameOrgForm({ orgId, orgName }: OrgProps) {
  const router = useRouter();
  const [name, setName] = useState(orgName);
  const { pending, error, run } = useCall();
  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        run(async () => {
          await callApi(`/api/orgs/${orgId}`, {
            method: 'PATCH',
            body: JSON.stringify({ name }),
          });
          toast({ title: 'Organization renamed', variant: 'success' });
          router.refresh();
        });
      }}
    >
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="org-name">Name</Label>
        <div className="flex flex-col gap-2 sm:flex-row">
          <Input
            id="org-name"
            value={name}
            maxLength={80}
            required
            onChange={(event) => setName(event.target.value)}
          />
          <Button type="submit" disabled={pending || name.trim() === orgName}>
            Rename
          </Button>
        </div>
      </div>
      <ErrorLine error={error} />
    </form>
  );
}

export function TransferOwnershipForm({
  orgId,
  orgName,
  candidates,
}: OrgProps & { candidates: { userId: string; label: string }[] }) {
  const router = useRouter();
  const [userId, setUserId] = useState('');
  const { pending, error, run } = useCall();
  if (candidates.length === 0) {
    return (
      <p className="text-muted-foreground text-sm">
        Invite someone first: ownership goes to another member.
      </p>
    );
  }
  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        const chosen = candidates.find((candidate) => candidate.userId === userId);
        if (!chosen) return;
        if (!window.confirm(`Make ${chosen.label} the owner of ${orgName}? You become an admin.`))
          return;
        run(async () => {
          await callApi(`/api/orgs/${orgId}/ownership`, {
            method: 'POST',
            body: JSON.stringify({ userId }),
          });
          toast({ title: `${chosen.label} now owns ${orgName}`, variant: 'success' });
          router.refresh();
        });
      }}
    >
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="new-owner">New owner</Label>
        <div className="flex flex-col gap-2 sm:flex-row">
          <Select
            id="new-owner"
            value={userId}
            required
            onChange={(event) => setUserId(event.target.value)}
          >
            <option value="">Choose a member…</option>
            {candidates.map((candidate) => (
              <option key={candidate.userId} value={candidate.userId}>
                {candidate.label}
              </option>
            ))}
          </Select>
          <Button type="submit" variant="outline" disabled={pending || !userId}>
            Transfer ownership
          </Button>
        </div>
      </div>
      <ErrorLine error={error} />
    </form>
  );
}

export function DeleteOrgButton({ orgId, orgName }: OrgProps) {
  const router = useRouter();
  const { pending, error, run } = useCall();
  return (
    <div className="flex flex-col gap-3">
      <div>
        <Button
          variant="destructive"
          disabled={pending}
          onClick={() => {
            if (
              !window.confirm(
                `Delete ${orgName}? Every member loses access; invitations and keys stop working. This cannot be undone.`,
              )
            )
              return;
            run(async () => {
              await callApi(`/api/orgs/${orgId}`, { method: 'DELETE' });
              toast({ title: `${orgName} was deleted`, variant: 'success' });
              router.push('/organizations');
              router.refresh();
            });
          }}
        >
          Delete organization
        </Button>
      </div>
      <ErrorLine error={error} />
    </div>
  );
}

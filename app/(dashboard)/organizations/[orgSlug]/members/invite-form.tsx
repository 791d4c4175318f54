'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { Check, Copy, UserPlus } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { inviteAction } from './actions';
import type { OrgRef } from './types';

/**
 * Invite by email. The invitation is emailed; its link is also shown once (only its hash is
 * stored) to copy and send another way; it works for 7 days and only for the invited address.
 */
export function InviteForm({ org, canInviteAdmins }: { org: OrgRef; canInviteAdmins: boolean }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'admin' | 'member'>('member');
  const [error, setError] = useState<string | null>(null);
  const [link, setLink] = useState<{ email: string; url: string; emailed: boolean } | null>(null);
  const [copied, setCopied] = useState(false);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    startTransition(async () => {
      const result = await inviteAction({ ...org, email, role });
      if (!result.ok) {
        setError(result.error.detail);
        return;
      }
      setLink({ email: result.data.email, url: result.data.url, emailed: result.data.emailed });
      setCopied(false);
      setEmail('');
    });
  }

  async function copy() {
    if (!link) return;
    await navigator.clipboard.writeText(link.url).catch(() => {});
    setCopied(true);
  }

  return (
    <div className="flex flex-col gap-4">
      <form onSubmit={submit} className="flex flex-col gap-3 sm:flex-row sm:items-end" noValidate>
        <div className="flex flex-1 flex-col gap-2">
          <Label htmlFor="invite-email">Email</Label>
          <Input
            id="invite-email"
            type="email"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            placeholder="teammate@example.com"
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'invite-error' : undefined}
          />
        </div>
        <div className="flex flex-col gap-2 sm:w-40">
          <Label htmlFor="invite-role">Role</Label>
          <Select
            id="invite-role"
            value={role}
            onChange={(event) => setRole(event.target.value === 'admin' ? 'admin' : 'member')}
          >
            <option value="member">Member</option>
            {canInviteAdmins ? <option value="admin">Admin</option> : null}
          </Select>
        </div>
        <Button type="submit" disabled={pending || email.trim() === ''}>
          <UserPlus aria-hidden="true" />
          {pending ? 'Inviting…' : 'Invite'}
        </Button>
      </form>
      {error ? (
        <p id="invite-error" role="alert" className="text-destructive text-sm">
          {error}
        </p>
      ) : null}
      {link ? (
        <Alert variant="success">
          <AlertTitle>Invitation for {link.email} created</AlertTitle>
          <AlertDescription>
            <span className="block">
              {link.emailed
                ? 'We emailed them the invitation. You can also send this link'
                : 'Send them this link'}
              . It is shown only now, works for 7 days, and only for that address.
            </span>
            <span className="mt-2 flex items-center gap-2">
              <code className="bg-background min-w-0 flex-1 truncate rounded border px-2 py-1 text-xs">
                {link.url}
              </code>
              <Button type="button" size="sm" variant="outline" onClick={copy}>
                {copied ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
                {copied ? 'Copied' : 'Copy link'}
              </Button>
            </span>
          </AlertDescription>
        </Alert>
      ) : null}
    </div>
  );
}

'use client';

import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { parseCredits } from '@/lib/credits/format';
import { API_KEY_SCOPES, API_KEY_SCOPE_LABELS } from '@/lib/api-keys/scopes';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { ApiKeySecret } from './api-key-secret';
import { apiKeyErrorMessage, createApiKeyRequest, type NewApiKeyRequest } from './api-keys-api';

/** Reads the form into a request; a RangeError names what to fix before anything is sent. */
function readForm(form: FormData, orgId: string | null): NewApiKeyRequest {
  const text = (field: string) => String(form.get(field) ?? '').trim();
  const limit = text('monthlyLimit');
  const rpm = text('requestsPerMinute');
  const expires = text('expiresAt');
  const ranges = text('ipAllowlist')
    .split(/[\s,]+/)
    .filter(Boolean);
  if (rpm && !/^\d+$/.test(rpm)) throw new RangeError('Requests per minute is a whole number.');
  return {
    name: text('name'),
    scopes: API_KEY_SCOPES.filter((scope) => form.get(`scope:${scope}`) === 'on'),
    orgId,
    monthlyLimitMicroCredits: limit ? parseCredits(limit) : null,
    requestsPerMinute: rpm ? Number(rpm) : null,
    // The end of the chosen day in the viewer's time zone.
    expiresAt: expires ? new Date(`${expires}T23:59:59`) : null,
    ipAllowlist: ranges.length ? ranges : null,
  };
}

/** Creates a key for the viewer or an org; the secret is shown once, in the same dialog. */
export function ApiKeyCreateDialog({
  orgId,
  scopeLabel,
  onCreated,
}: {
  orgId: string | null;
  scopeLabel: string;
  onCreated: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: createApiKeyRequest,
    onSuccess: onCreated,
    onError: (cause) => setFormError(apiKeyErrorMessage(cause)),
  });
  const prefix = `api-key-${orgId ?? 'personal'}`;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    try {
      create.mutate(readForm(new FormData(event.currentTarget), orgId));
    } catch (error) {
      setFormError(error instanceof RangeError ? error.message : 'Check the form and try again.');
    }
  }

  function changeOpen(next: boolean) {
    setOpen(next);
    if (!next) {
      create.reset();
      setFormError(null);
    }
  }

  return (
    <Dialog open={open} onOpenChange={changeOpen}>
      <DialogTrigger asChild>
        <Button type="button" variant="outline" className="self-start">
          <KeyRound aria-hidden="true" />
          Create API key
        </Button>
      </DialogTrigger>
      <DialogContent className="max-h-[90dvh] overflow-y-auto">
        {create.data ? (
          <div className="flex flex-col gap-4">
            <DialogHeader>
              <DialogTitle>API key “{create.data.key.name}” created</DialogTitle>
              <DialogDescription>
                Send it as{' '}
                <code className="font-mono text-xs">Authorization: Bearer &lt;key&gt;</code>.
              </DialogDescription>
            </DialogHeader>
            <ApiKeySecret secret={create.data.secret} />
            <DialogFooter>
              <DialogClose asChild>
                <Button type="button">Done</Button>
              </DialogClose>
            </DialogFooter>
          </div>
        ) : (
          <form onSubmit={submit} className="flex flex-col gap-4">
            <DialogHeader>
              <DialogTitle>New API key for {scopeLabel}</DialogTitle>
              <DialogDescription>
                It spends from {orgId ? 'the organization' : 'your personal'} wallet. Limits left
                empty mean none of its own.
              </DialogDescription>
            </DialogHeader>
            <div className="flex flex-col gap-2">
              <Label htmlFor={`${prefix}-name`}>Name</Label>
              <Input id={`${prefix}-name`} name="name" required maxLength={80} />
            </div>
            <fieldset className="flex flex-col gap-2">
              <legend className="mb-2 text-sm font-medium">Scopes</legend>
              {API_KEY_SCOPES.map((scope) => (
                <label key={scope} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    name={`scope:${scope}`}
                    defaultChecked={scope === 'ai:chat'}
                  />
                  {API_KEY_SCOPE_LABELS[scope]} <code className="text-xs">{scope}</code>
                </label>
              ))}
            </fieldset>
            <div className="grid gap-4 sm:grid-cols-2">
              <div className="flex flex-col gap-2">
                <Label htmlFor={`${prefix}-limit`}>Credits per month</Label>
                <Input
                  id={`${prefix}-limit`}
                  name="monthlyLimit"
                  inputMode="decimal"
                  placeholder="No limit"
                />
              </div>
              <div className="flex flex-col gap-2">
                <Label htmlFor={`${prefix}-rpm`}>Requests per minute</Label>
                <Input
                  id={`${prefix}-rpm`}
                  name="requestsPerMinute"
                  inputMode="numeric"
                  placeholder="No limit"
                />
              </div>
              <div className="flex flex-col gap-2">
                <Label htmlFor={`${prefix}-expires`}>Expires</Label>
                <Input id={`${prefix}-expires`} name="expiresAt" type="date" />
              </div>
              <div className="flex flex-col gap-2">
                <Label htmlFor={`${prefix}-ips`}>Allowed IP ranges</Label>
                <Input
                  id={`${prefix}-ips`}
                  name="ipAllowlist"
                  placeholder="Any, or 203.0.113.0/24"
                />
              </div>
            </div>
            {formError ? (
              <p role="alert" className="text-destructive text-sm">
                {formError}
              </p>
            ) : null}
            <DialogFooter>
              <DialogClose asChild>
                <Button type="button" variant="outline">
                  Cancel
                </Button>
              </DialogClose>
              <Button type="submit" disabled={create.isPending}>
                {create.isPending ? 'Creating…' : 'Create key'}
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

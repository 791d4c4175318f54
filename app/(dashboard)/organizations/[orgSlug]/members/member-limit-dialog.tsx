'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { Gauge } from 'lucide-react';
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
import { toast } from '@/components/ui/toast';
import { formatCredits } from '@/lib/credits/format';
import { setLimitAction } from './actions';
import type { MemberView, OrgRef } from './types';

/** Sets or removes a member's monthly spending limit on the org wallet (owners and admins). */
export function MemberLimitDialog({ org, member }: { org: OrgRef; member: MemberView }) {
  const current = member.monthlyLimit
    ? formatCredits(member.monthlyLimit, { decimals: 0 }).replaceAll(',', '')
    : '';
  const [open, setOpen] = useState(false);
  const [credits, setCredits] = useState(current);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function save(value: string) {
    setError(null);
    startTransition(async () => {
      const result = await setLimitAction({ ...org, userId: member.userId, credits: value });
      if (!result.ok) {
        setError(result.error.detail);
        return;
      }
      setOpen(false);
      toast({
        title: value ? `Limit for ${member.name || member.email} saved` : 'Limit removed',
        variant: 'success',
      });
    });
  }

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button size="sm" variant="outline">
          <Gauge aria-hidden="true" />
          Limit
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form
          onSubmit={(event: FormEvent<HTMLFormElement>) => {
            event.preventDefault();
            save(credits.trim());
          }}
          className="flex flex-col gap-4"
        >
          <DialogHeader>
            <DialogTitle>Monthly limit for {member.name || member.email}</DialogTitle>
            <DialogDescription>
              The most this person may spend from the organization wallet per calendar month (UTC).
              Leave empty for no limit.
            </DialogDescription>
          </DialogHeader>
          <div className="flex flex-col gap-2">
            <Label htmlFor={`limit-${member.userId}`}>Credits per month</Label>
            <Input
              id={`limit-${member.userId}`}
              inputMode="decimal"
              value={credits}
              onChange={(event) => setCredits(event.target.value)}
              placeholder="No limit"
              aria-invalid={error ? true : undefined}
            />
            {error ? (
              <p role="alert" className="text-destructive text-sm">
                {error}
              </p>
            ) : null}
          </div>
          <DialogFooter>
            {member.monthlyLimit ? (
              <Button type="button" variant="ghost" disabled={pending} onClick={() => save('')}>
                Remove limit
              </Button>
            ) : null}
            <DialogClose asChild>
              <Button type="button" variant="outline">
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" disabled={pending}>
              {pending ? 'Saving…' : 'Save limit'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

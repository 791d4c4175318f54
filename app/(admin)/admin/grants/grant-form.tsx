'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { toast } from '@/components/ui/toast';
import { invalidateCredits } from '@/components/credits/queries';
import { formatCredits } from '@/lib/credits/format';
import { grantCreditsAction } from './actions';

const fields = { target: '', amount: '', reason: '' };

/** Who gets the credits, how many and why; one key per form fill, so a double submit grants once. */
export function GrantForm() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [values, setValues] = useState(fields);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const set = (name: keyof typeof fields) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [name]: event.target.value }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    if (values.reason.trim().length < 3) {
      setError('Give a reason (at least 3 characters).');
      return;
    }
    startTransition(async () => {
      const result = await grantCreditsAction({ ...values, idempotencyKey: key });
      if (!result.ok) {
        setError(result.error.detail);
        return;
      }
      toast({
        title: `Granted ${formatCredits(result.data.amount)} credits to ${result.data.walletLabel}`,
        variant: 'success',
      });
      setValues(fields);
      setKey(crypto.randomUUID());
      void invalidateCredits(queryClient);
      router.refresh();
    });
  }

  const describedBy = error ? 'grant-error' : undefined;
  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate aria-label="Grant credits">
      {error ? (
        <Alert variant="destructive" id="grant-error">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="flex flex-col gap-2">
          <Label htmlFor="grant-target">User email or org slug</Label>
          <Input
            id="grant-target"
            value={values.target}
            onChange={set('target')}
            required
            placeholder="e.g. pro@tollgate.dev or acme-ai"
            autoComplete="off"
            aria-describedby={describedBy}
          />
        </div>
        <div className="flex flex-col gap-2">
          <Label htmlFor="grant-amount">Credits</Label>
          <Input
            id="grant-amount"
            value={values.amount}
            onChange={set('amount')}
            required
            inputMode="decimal"
            placeholder="e.g. 25"
            aria-describedby={describedBy}
          />
        </div>
      </div>
      <div className="flex flex-col gap-2">
        <Label htmlFor="grant-reason">Reason (required, kept with the grant)</Label>
        <Input
          id="grant-reason"
          value={values.reason}
          onChange={set('reason')}
          required
          maxLength={500}
          placeholder="e.g. Goodwill for the outage on Nov 3"
          aria-describedby={describedBy}
        />
      </div>
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Granting…' : 'Grant credits'}
        </Button>
      </div>
    </form>
  );
}

'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { callApi } from '@/lib/api/client';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';

/** The typed confirmation, then DELETE /api/me; a 409 (sole owner) is shown as it comes. */
export function DeleteAccountForm({ phrase, blocked }: { phrase: string; blocked: boolean }) {
  const router = useRouter();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const confirmed = typed.trim().toLowerCase() === phrase;
  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          setError(null);
          try {
            await callApi('/api/me', {
              method: 'DELETE',
              body: JSON.stringify({ confirm: typed }),
            });
            router.replace('/login');
            router.refresh();
          } catch (caught) {
            setError(caught instanceof Error ? caught.message : 'Something went wrong.');
          }
        });
      }}
    >
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="delete-confirm">
          Type <strong>{phrase}</strong> to confirm
        </Label>
        <div className="flex flex-col gap-2 sm:flex-row">
          <Input
            id="delete-confirm"
            value={typed}
            autoComplete="off"
            disabled={blocked}
            onChange={(event) => setTyped(event.target.value)}
          />
          <Button type="submit" variant="destructive" disabled={!confirmed || pending}>
            Delete my account
          </Button>
        </div>
      </div>
      {error ? (
        <p role="alert" className="text-destructive text-sm">
          {error}
        </p>
      ) : null}
    </form>
  );
}

'use client';

import { useActionState } from 'react';
import Link from 'next/link';
import { Lock } from 'lucide-react';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button, buttonVariants } from '@/components/ui/button';
import { finishLocalSubscription } from './actions';

/** Subscribe (test) or go back to the pricing page. */
export function LocalSubscribeForm({ offer, label }: { offer: string; label: string }) {
  const [state, submit, pending] = useActionState(
    async (_previous: { error: string } | null, formData: FormData) =>
      finishLocalSubscription(formData),
    null,
  );
  return (
    <form action={submit} className="flex flex-col gap-3">
      <input type="hidden" name="offer" value={offer} />
      {state?.error ? (
        <Alert variant="destructive">
          <AlertDescription>{state.error}</AlertDescription>
        </Alert>
      ) : null}
      <Button type="submit" size="lg" disabled={pending}>
        <Lock aria-hidden="true" />
        {pending ? 'Subscribing…' : label}
      </Button>
      <Link href="/pricing" className={buttonVariants({ variant: 'ghost' })}>
        Cancel and return
      </Link>
    </form>
  );
}

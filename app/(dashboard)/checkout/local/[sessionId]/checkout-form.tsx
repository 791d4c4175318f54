'use client';

import { useActionState } from 'react';
import { Lock } from 'lucide-react';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { finishLocalCheckout } from './actions';

/** Pay or cancel the test checkout. */
export function LocalCheckoutForm({ sessionId, price }: { sessionId: string; price: string }) {
  const [state, submit, pending] = useActionState(
    async (_previous: { error: string } | null, formData: FormData) =>
      finishLocalCheckout(formData),
    null,
  );
  return (
    <form action={submit} className="flex flex-col gap-3">
      <input type="hidden" name="sessionId" value={sessionId} />
      {state?.error ? (
        <Alert variant="destructive">
          <AlertDescription>{state.error}</AlertDescription>
        </Alert>
      ) : null}
      <Button type="submit" name="outcome" value="pay" size="lg" disabled={pending}>
        <Lock aria-hidden="true" />
        {pending ? 'Completing…' : `Pay ${price} (test)`}
      </Button>
      <Button type="submit" name="outcome" value="cancel" variant="ghost" disabled={pending}>
        Cancel and return
      </Button>
    </form>
  );
}

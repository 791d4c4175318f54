'use client';

import { useActionState } from 'react';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { acceptInvitationAction } from './actions';

export function AcceptInvitationForm({ token, orgName }: { token: string; orgName: string }) {
  const [state, submit, pending] = useActionState(
    async (_previous: { error: string } | null, formData: FormData) =>
      acceptInvitationAction(formData),
    null,
  );
  return (
    <form action={submit} className="flex flex-col gap-3">
      <input type="hidden" name="token" value={token} />
      {state?.error ? (
        <Alert variant="destructive">
          <AlertDescription>{state.error}</AlertDescription>
        </Alert>
      ) : null}
      <Button type="submit" disabled={pending}>
        {pending ? 'Joining…' : `Join ${orgName}`}
      </Button>
    </form>
  );
}

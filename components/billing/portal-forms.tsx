'use client';

import { useActionState } from 'react';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

type FormAction = (formData: FormData) => Promise<{ error: string }>;

/** "Manage billing": posts to a server action that redirects to the portal. */
export function ManageBillingForm({
  action,
  orgId,
  returnPath,
}: {
  action: FormAction;
  orgId: string | null;
  returnPath: string;
}) {
  const [state, submit, pending] = useActionState(
    async (_previous: { error: string } | null, formData: FormData) => action(formData),
    null,
  );
  return (
    <form action={submit} className="flex flex-col gap-2">
      {orgId ? <input type="hidden" name="orgId" value={orgId} /> : null}
      <input type="hidden" name="returnPath" value={returnPath} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Opening…' : 'Manage billing'}
      </Button>
      {state?.error ? (
        <Alert variant="destructive">
          <AlertDescription>{state.error}</AlertDescription>
        </Alert>
      ) : null}
    </form>
  );
}

const CONTROLS = [
  { control: 'cancel', label: 'Cancel at period end', variant: 'outline' },
  { control: 'resume', label: 'Resume subscription', variant: 'outline' },
  { control: 'renew', label: 'Simulate renewal', variant: 'secondary' },
  { control: 'fail_payment', label: 'Simulate failed payment', variant: 'secondary' },
] as const;

/** The local test portal: each control sends the signed events Stripe would send. */
export function LocalPortalControls({
  action,
  orgId,
  returnPath,
  cancelAtPeriodEnd,
}: {
  action: FormAction;
  orgId: string | null;
  returnPath: string;
  cancelAtPeriodEnd: boolean;
}) {
  const [state, submit, pending] = useActionState(
    async (_previous: { error: string } | null, formData: FormData) => action(formData),
    null,
  );
  return (
    <form action={submit} className="flex flex-col gap-3">
      {orgId ? <input type="hidden" name="orgId" value={orgId} /> : null}
      <input type="hidden" name="returnPath" value={returnPath} />
      {state?.error ? (
        <Alert variant="destructive">
          <AlertDescription>{state.error}</AlertDescription>
        </Alert>
      ) : null}
      <div className="flex flex-wrap gap-2">
        {CONTROLS.filter((item) =>
          item.control === 'cancel'
            ? !cancelAtPeriodEnd
            : item.control === 'resume'
              ? cancelAtPeriodEnd
              : true,
        ).map((item) => (
          <Button
            key={item.control}
            type="submit"
            name="control"
            value={item.control}
            variant={item.variant}
            disabled={pending}
          >
            {item.label}
          </Button>
        ))}
      </div>
    </form>
  );
}

/**
 * Cancel at the period end, or undo what is scheduled (a cancellation, a plan change): works with
 * Stripe and in local mode alike, through the same webhook path.
 */
export function SubscriptionControlForm({
  action,
  orgId,
  returnPath,
  control,
  label,
}: {
  action: FormAction;
  orgId: string | null;
  returnPath: string;
  control: 'cancel' | 'resume';
  label: string;
}) {
  const [state, submit, pending] = useActionState(
    async (_previous: { error: string } | null, formData: FormData) => action(formData),
    null,
  );
  return (
    <form action={submit} className="flex flex-col gap-2">
      {orgId ? <input type="hidden" name="orgId" value={orgId} /> : null}
      <input type="hidden" name="returnPath" value={returnPath} />
      <Button type="submit" name="control" value={control} variant="outline" disabled={pending}>
        {pending ? 'Saving…' : label}
      </Button>
      {state?.error ? (
        <Alert variant="destructive">
          <AlertDescription>{state.error}</AlertDescription>
        </Alert>
      ) : null}
    </form>
  );
}

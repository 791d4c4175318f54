import Link from 'next/link';
import { FlaskConical } from 'lucide-react';
import type { DbSession } from '@/lib/db';
import { getBillingSubscription } from '@/lib/stripe';
import { LocalPortalControls } from '@/components/billing/portal-forms';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { localPortalAction } from './actions';

/** Local mode's stand-in for the Stripe Customer Portal, clearly labelled as a test. */
export async function LocalPortal({
  session,
  accountId,
  orgId,
  returnPath,
}: {
  session: DbSession;
  accountId: string;
  orgId: string | null;
  returnPath: string;
}) {
  const subscription = await getBillingSubscription(session, accountId);
  return (
    <div className="mx-auto flex w-full max-w-2xl flex-col gap-6">
      <Alert variant="warning">
        <AlertTitle className="flex items-center gap-2">
          <FlaskConical aria-hidden="true" className="size-4" />
          Test billing portal — no real payment
        </AlertTitle>
        <AlertDescription>
          Stripe is not configured here, so this page stands in for the Stripe Customer Portal. Each
          control sends the signed events Stripe would send to the same webhook.
        </AlertDescription>
      </Alert>
      <Card>
        <CardHeader>
          <CardTitle as="h1" className="text-xl">
            {subscription ? `${subscription.planName} subscription` : 'No subscription'}
          </CardTitle>
          <CardDescription>
            Card on file: Test card •••• 4242. To switch plans, choose one on the pricing page.
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          {subscription ? (
            <LocalPortalControls
              action={localPortalAction}
              orgId={orgId}
              returnPath={returnPath}
              cancelAtPeriodEnd={subscription.cancelAtPeriodEnd}
            />
          ) : null}
          <Link href={returnPath} className={buttonVariants({ variant: 'ghost' })}>
            Back to billing
          </Link>
        </CardContent>
      </Card>
    </div>
  );
}

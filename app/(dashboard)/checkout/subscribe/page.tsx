import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { FlaskConical } from 'lucide-react';
import { getViewer } from '@/lib/auth';
import { describeLocalOffer, readLocalOffer } from '@/lib/stripe';
import { formatPrice } from '@/lib/stripe/format';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { LocalSubscribeForm } from './subscribe-form';

export const metadata: Metadata = { title: 'Test checkout' };

/**
 * Local mode's subscription checkout (no Stripe keys): a clearly labelled test page. Subscribing
 * delivers the signed events Stripe would send to the real webhook handler.
 */
export default async function LocalSubscribePage({
  searchParams,
}: {
  searchParams: Promise<{ offer?: string }>;
}) {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const { offer: token } = await searchParams;
  if (!token) notFound();
  const offer = (() => {
    try {
      return readLocalOffer(viewer.session, token);
    } catch {
      return null;
    }
  })();
  if (!offer) notFound();
  const terms = await describeLocalOffer(viewer.session, offer).catch((error: unknown) =>
    error instanceof Error ? error : new Error('This checkout cannot be completed.'),
  );
  if (terms instanceof Error) {
    return (
      <div className="mx-auto flex w-full max-w-lg flex-col gap-6">
        <h1 className="text-xl font-semibold">Test checkout</h1>
        <Alert variant="destructive">
          <AlertDescription>{terms.message}</AlertDescription>
        </Alert>
      </div>
    );
  }
  const { planName, amount, currency, trialDays } = terms;
  const price = formatPrice(amount, currency);
  const per = offer.interval === 'year' ? 'year' : 'month';
  const wallet = offer.returnPath.startsWith('/organizations/')
    ? 'the organization'
    : 'your personal account';

  return (
    <div className="mx-auto flex w-full max-w-lg flex-col gap-6">
      <Alert variant="warning">
        <AlertTitle className="flex items-center gap-2">
          <FlaskConical aria-hidden="true" className="size-4" />
          Test checkout — no real payment
        </AlertTitle>
        <AlertDescription>
          Stripe is not configured here, so this page stands in for Stripe Checkout. No card is
          charged; subscribing goes through the same webhook as a real subscription.
        </AlertDescription>
      </Alert>
      <Card>
        <CardHeader>
          <div className="flex items-center justify-between gap-2">
            <CardTitle as="h1" className="text-xl">
              {planName} plan
            </CardTitle>
            <Badge variant="warning">Test mode</Badge>
          </div>
          <CardDescription>For {wallet}</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-6">
          <dl className="divide-y rounded-lg border text-sm">
            <div className="flex justify-between gap-4 px-4 py-3">
              <dt className="text-muted-foreground">Billed</dt>
              <dd className="font-medium">{per === 'year' ? 'Yearly' : 'Monthly'}</dd>
            </div>
            {trialDays > 0 ? (
              <div className="flex justify-between gap-4 px-4 py-3">
                <dt className="text-muted-foreground">Free trial</dt>
                <dd className="font-medium">{trialDays} days, then billed</dd>
              </div>
            ) : null}
            <div className="flex justify-between gap-4 px-4 py-3">
              <dt className="text-muted-foreground">Card</dt>
              <dd className="font-mono">4242 4242 4242 4242 (test)</dd>
            </div>
            <div className="flex justify-between gap-4 px-4 py-3 text-base">
              <dt className="font-medium">{trialDays > 0 ? 'Due today' : 'Total'}</dt>
              <dd className="font-semibold">
                {trialDays > 0
                  ? `${formatPrice(0n, currency)} today, then ${price} a ${per}`
                  : `${price} a ${per}`}
              </dd>
            </div>
          </dl>
          <LocalSubscribeForm
            offer={token}
            label={trialDays > 0 ? `Start free trial (test)` : `Subscribe for ${price} (test)`}
          />
        </CardContent>
      </Card>
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { FlaskConical } from 'lucide-react';
import { getViewer } from '@/lib/auth';
import { formatCredits } from '@/lib/credits/format';
import { getLocalCheckout, type LocalCheckout } from '@/lib/stripe';
import { formatPrice } from '@/lib/stripe/format';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { LocalCheckoutForm } from './checkout-form';

export const metadata: Metadata = { title: 'Test checkout' };

/**
 * Local mode's checkout (no Stripe keys): a clearly labelled test page. Paying delivers a signed
 * checkout.session.completed event to the real webhook handler, exactly as Stripe would.
 */
export default async function LocalCheckoutPage({
  params,
}: {
  params: Promise<{ sessionId: string }>;
}) {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const { sessionId } = await params;
  const checkout: LocalCheckout | null = await getLocalCheckout(viewer.session, sessionId).catch(
    () => null,
  );
  if (!checkout) notFound();
  const price = formatPrice(checkout.amount, checkout.currency);

  return (
    <div className="mx-auto flex w-full max-w-lg flex-col gap-6">
      <Alert variant="warning">
        <AlertTitle className="flex items-center gap-2">
          <FlaskConical aria-hidden="true" className="size-4" />
          Test checkout — no real payment
        </AlertTitle>
        <AlertDescription>
          Stripe is not configured here, so this page stands in for Stripe Checkout. No card is
          charged; completing it credits the wallet through the same webhook as a real payment.
        </AlertDescription>
      </Alert>
      <Card>
        <CardHeader>
          <div className="flex items-center justify-between gap-2">
            <CardTitle as="h1" className="text-xl">
              {checkout.packageName} package
            </CardTitle>
            <Badge variant="warning">Test mode</Badge>
          </div>
          <CardDescription>For {checkout.walletLabel}</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-6">
          <dl className="divide-y rounded-lg border text-sm">
            <div className="flex justify-between gap-4 px-4 py-3">
              <dt className="text-muted-foreground">Credits</dt>
              <dd className="font-medium">{formatCredits(checkout.credits, { decimals: 0 })}</dd>
            </div>
            {checkout.bonusCredits > 0n ? (
              <div className="flex justify-between gap-4 px-4 py-3">
                <dt className="text-muted-foreground">Bonus credits (expire)</dt>
                <dd className="font-medium">
                  +{formatCredits(checkout.bonusCredits, { decimals: 0 })}
                </dd>
              </div>
            ) : null}
            <div className="flex justify-between gap-4 px-4 py-3">
              <dt className="text-muted-foreground">Card</dt>
              <dd className="font-mono">4242 4242 4242 4242 (test)</dd>
            </div>
            <div className="flex justify-between gap-4 px-4 py-3 text-base">
              <dt className="font-medium">Total</dt>
              <dd className="font-semibold">{price}</dd>
            </div>
          </dl>
          {checkout.status === 'pending' ? (
            <LocalCheckoutForm sessionId={checkout.sessionId} price={price} />
          ) : (
            <div className="flex flex-col gap-3">
              <p className="text-sm">
                This checkout is already {checkout.status === 'paid' ? 'paid' : checkout.status}.
              </p>
              <Link href={checkout.returnPath} className={buttonVariants({ variant: 'outline' })}>
                Back to credits
              </Link>
            </div>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

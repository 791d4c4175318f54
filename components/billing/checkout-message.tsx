'use client';

import { useSearchParams } from 'next/navigation';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';

/**
 * The message shown on a credits page when Checkout sends the buyer back
 * (?checkout=success|cancelled). The credits arrive through the webhook, usually within seconds.
 */
export function CheckoutMessage() {
  const outcome = useSearchParams().get('checkout');
  if (outcome === 'success') {
    return (
      <Alert variant="success">
        <AlertTitle>Payment received — thank you!</AlertTitle>
        <AlertDescription>
          Your credits are added as soon as the payment is confirmed, usually within a few seconds.
          Refresh if your balance has not changed yet.
        </AlertDescription>
      </Alert>
    );
  }
  if (outcome === 'cancelled') {
    return (
      <Alert variant="warning">
        <AlertTitle>Checkout cancelled</AlertTitle>
        <AlertDescription>Nothing was charged. You can buy a package at any time.</AlertDescription>
      </Alert>
    );
  }
  return null;
}

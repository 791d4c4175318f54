'use client';

import { useEffect, useState } from 'react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { callApi } from '@/lib/api/client';
import { invalidateCredits } from '@/components/credits/queries';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';

const POLL_MS = 1_500;
/** Past this, the page stops asking: the header keeps refreshing on its own minute. */
const GIVE_UP_MS = 120_000;

type Settled = 'paid' | 'failed' | 'refunded';

/** The payment's status once its fulfilment has run, or null while it has not. */
async function settledStatus(endpoint: string, paymentId: string): Promise<Settled | null> {
  const body = (await callApi(`${endpoint}?limit=25`)) as {
    items?: { id?: unknown; status?: unknown }[];
  };
  const status = body.items?.find((item) => item.id === paymentId)?.status;
  return status === 'paid' || status === 'failed' || status === 'refunded' ? status : null;
}

/**
 * The message shown on a credits page when Checkout sends the buyer back
 * (?checkout=success|cancelled&payment=…). The credits arrive through the webhook: the page
 * waits for the payment's fulfilment, then refreshes every balance on screen (the header's too)
 * without a reload.
 */
export function CheckoutMessage({ paymentsEndpoint }: { paymentsEndpoint: string }) {
  const params = useSearchParams();
  const outcome = params.get('checkout');
  const paymentId = params.get('payment');
  const queryClient = useQueryClient();
  const router = useRouter();
  const waiting = outcome === 'success' && paymentId !== null;
  const [startedAt] = useState(() => Date.now());
  const { data: status } = useQuery({
    queryKey: ['checkout', 'payment', paymentId],
    queryFn: () => settledStatus(paymentsEndpoint, paymentId ?? ''),
    enabled: waiting,
    refetchInterval: (query) =>
      query.state.data || Date.now() - startedAt > GIVE_UP_MS ? false : POLL_MS,
    refetchIntervalInBackground: true,
  });

  useEffect(() => {
    if (!status) return;
    // Fulfilled: every credits read (the header balance included) and the server-rendered parts.
    void invalidateCredits(queryClient);
    router.refresh();
  }, [status, queryClient, router]);

  if (outcome === 'success') {
    return status === 'paid' ? (
      <Alert variant="success" data-testid="checkout-message" data-state="fulfilled">
        <AlertTitle>Payment received — your credits are in</AlertTitle>
        <AlertDescription>Thank you! Your balance already shows them.</AlertDescription>
      </Alert>
    ) : (
      <Alert variant="success" data-testid="checkout-message" data-state="waiting">
        <AlertTitle>Payment received — thank you!</AlertTitle>
        <AlertDescription>
          Your credits are added as soon as the payment is confirmed, usually within a few seconds;
          this page updates by itself.
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

'use client';

import { useRef, useState } from 'react';
import { ShoppingCart } from 'lucide-react';
import { Button } from '@/components/ui/button';

/**
 * Starts a purchase: POSTs the package to the purchase endpoint and sends the browser to the
 * checkout URL it returns (Stripe Checkout, or the local test checkout). One Idempotency-Key per
 * attempt, kept across retries of that attempt, so a double click never opens two checkouts.
 */
export function BuyButton({
  endpoint,
  packageId,
  packageName,
  disabled,
}: {
  endpoint: string;
  packageId: string;
  packageName: string;
  disabled?: boolean;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const attempt = useRef<string | null>(null);

  async function buy() {
    setPending(true);
    setError(null);
    attempt.current ??= crypto.randomUUID();
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': attempt.current },
        body: JSON.stringify({ packageId }),
      });
      const body = (await response.json()) as { url?: string; detail?: string };
      if (!response.ok || !body.url) {
        attempt.current = null; // refused: the next click is a new attempt
        setError(body.detail ?? 'Checkout could not be started. Please try again.');
        setPending(false);
        return;
      }
      window.location.assign(body.url);
    } catch {
      setError('We could not reach the server. Check your connection and try again.');
      setPending(false);
    }
  }

  return (
    <div className="flex flex-col gap-2">
      <Button
        onClick={buy}
        disabled={disabled || pending}
        aria-label={`Buy the ${packageName} package`}
        className="w-full"
      >
        <ShoppingCart aria-hidden="true" />
        {pending ? 'Opening checkout…' : 'Buy'}
      </Button>
      {error ? (
        <p role="alert" className="text-destructive text-sm">
          {error}
        </p>
      ) : null}
    </div>
  );
}

'use client';

import { lazy, Suspense, useRef, useState } from 'react';
import { ShoppingCart } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { ApiError, callApi } from '@/lib/api/client';
import type { PackageView } from './views';

// The confirmation dialog (and Radix Dialog with it) is fetched on first use, or as soon as the
// pointer or focus reaches a Buy button, so the credits page does not load it up front.
const loadDialog = () => import('./buy-dialog');
const BuyDialog = lazy(() => loadDialog().then((module) => ({ default: module.BuyDialog })));

export interface BuyWallet {
  type: 'personal' | 'org';
  /** "Your personal wallet" or the organization's name. */
  label: string;
}

/**
 * Buy opens a confirmation of what is bought and for which wallet; Continue POSTs the package to
 * the purchase endpoint and sends the browser to the checkout URL it returns (Stripe Checkout,
 * or the local test checkout). One Idempotency-Key per attempt, kept across retries of that
 * attempt, so a double click never opens two checkouts.
 */
export function BuyButton({
  endpoint,
  pkg,
  wallet,
  testMode,
  disabled,
}: {
  endpoint: string;
  pkg: PackageView;
  wallet: BuyWallet;
  testMode?: boolean;
  disabled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const attempt = useRef<string | null>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  // Mounted from the first open on, so the dialog keeps its state and chunk afterwards.
  const [used, setUsed] = useState(false);

  async function checkout() {
    setPending(true);
    setError(null);
    attempt.current ??= crypto.randomUUID();
    let url: unknown;
    try {
      const body = await callApi(endpoint, {
        method: 'POST',
        headers: { 'idempotency-key': attempt.current },
        body: JSON.stringify({ packageId: pkg.id }),
      });
      url = (body as { url?: unknown } | null)?.url;
    } catch (caught) {
      // Unreachable: keep the key, so a retry cannot start a second payment.
      const unreachable = !(caught instanceof ApiError) || caught.status === 0;
      if (!unreachable) attempt.current = null; // refused: the next click is a new attempt
      setError(
        caught instanceof ApiError
          ? caught.message
          : 'Checkout could not be started. Please try again.',
      );
      setPending(false);
      return;
    }
    if (typeof url !== 'string') {
      attempt.current = null;
      setError('Checkout could not be started. Please try again.');
      setPending(false);
      return;
    }
    window.location.assign(url);
  }

  function onOpenChange(next: boolean) {
    if (pending) return; // leaving for checkout: keep the dialog until the page changes
    setOpen(next);
    if (!next) setError(null);
  }

  function preload() {
    void loadDialog();
  }

  return (
    <>
      <Button
        ref={trigger}
        disabled={disabled}
        aria-label={`Buy the ${pkg.name} package`}
        aria-haspopup="dialog"
        aria-expanded={open}
        className="w-full"
        data-testid={`buy-${pkg.id}`}
        onPointerEnter={preload}
        onFocus={preload}
        onClick={() => {
          setUsed(true);
          setOpen(true);
        }}
      >
        <ShoppingCart aria-hidden="true" />
        Buy
      </Button>
      {used ? (
        <Suspense fallback={null}>
          <BuyDialog
            open={open}
            onOpenChange={onOpenChange}
            trigger={trigger}
            pkg={pkg}
            wallet={wallet}
            testMode={testMode}
            pending={pending}
            error={error}
            checkout={checkout}
          />
        </Suspense>
      ) : null}
    </>
  );
}

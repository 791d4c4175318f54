'use client';

import { useRef, useState, type ReactNode } from 'react';
import { ArrowRight, Building2, ShoppingCart, User } from 'lucide-react';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from '@/components/ui/dialog';
import type { PackageView } from './views';

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
  const confirm = useRef<HTMLButtonElement>(null);

  async function checkout() {
    setPending(true);
    setError(null);
    attempt.current ??= crypto.randomUUID();
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': attempt.current },
        body: JSON.stringify({ packageId: pkg.id }),
      });
      const body = (await response.json().catch(() => ({}))) as { url?: string; detail?: string };
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

  function onOpenChange(next: boolean) {
    if (pending) return; // leaving for checkout: keep the dialog until the page changes
    setOpen(next);
    if (!next) setError(null);
  }

  const WalletIcon = wallet.type === 'org' ? Building2 : User;

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button
          disabled={disabled}
          aria-label={`Buy the ${pkg.name} package`}
          className="w-full"
          data-testid={`buy-${pkg.id}`}
        >
          <ShoppingCart aria-hidden="true" />
          Buy
        </Button>
      </DialogTrigger>
      <DialogContent
        aria-describedby="buy-dialog-description"
        hideClose={pending}
        onOpenAutoFocus={(event) => {
          // Focus the decision, not the first control: Enter continues, Escape cancels.
          event.preventDefault();
          confirm.current?.focus();
        }}
      >
        <DialogHeader>
          <DialogTitle>Buy the {pkg.name} package</DialogTitle>
          <DialogDescription id="buy-dialog-description">
            {testMode
              ? 'Check the details, then continue to the test checkout. No card is charged in test mode.'
              : 'Check the details, then continue to secure checkout with Stripe to pay.'}
          </DialogDescription>
        </DialogHeader>

        <dl className="divide-y rounded-lg border text-sm" data-testid="buy-summary">
          <Row term="Price">
            <span className="text-base font-semibold">{pkg.price}</span>
          </Row>
          <Row term="Credits">
            {pkg.credits} credits <span className="text-muted-foreground">· never expire</span>
          </Row>
          <Row term="Bonus">
            {pkg.bonusCredits ? (
              <>
                +{pkg.bonusCredits} credits{' '}
                <span className="text-muted-foreground">
                  · expire {pkg.bonusExpiresDays} days after purchase
                </span>
              </>
            ) : (
              <span className="text-muted-foreground">None with this package</span>
            )}
          </Row>
          <Row term="You receive">
            <span className="font-semibold">{pkg.totalCredits} credits</span>
          </Row>
          <Row term="Added to">
            <span className="inline-flex items-center gap-1.5">
              <WalletIcon aria-hidden="true" className="text-muted-foreground size-4" />
              {wallet.label}
              {wallet.type === 'org' ? (
                <span className="text-muted-foreground">(organization wallet)</span>
              ) : null}
            </span>
          </Row>
        </dl>
        {wallet.type === 'org' ? (
          <p className="text-muted-foreground text-xs">
            Credits in the organization wallet are shared by its members and never move into
            anyone&apos;s personal wallet.
          </p>
        ) : null}

        {error ? (
          <p role="alert" className="text-destructive text-sm">
            {error}
          </p>
        ) : null}

        <DialogFooter>
          <DialogClose asChild>
            <Button variant="outline" disabled={pending}>
              Cancel
            </Button>
          </DialogClose>
          <Button ref={confirm} onClick={checkout} disabled={pending}>
            {pending ? 'Opening checkout…' : 'Continue to checkout'}
            {pending ? null : <ArrowRight aria-hidden="true" />}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5 px-3 py-2 sm:flex-row sm:items-baseline sm:justify-between sm:gap-4">
      <dt className="text-muted-foreground text-xs font-medium sm:text-sm">{term}</dt>
      <dd className="sm:text-right">{children}</dd>
    </div>
  );
}

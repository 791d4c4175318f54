'use client';

import { useRef, type ReactNode, type RefObject } from 'react';
import { ArrowRight, Building2, User } from 'lucide-react';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from '@/components/ui/dialog';
import type { BuyWallet } from './buy-button';
import type { PackageView } from './views';

interface BuyDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The Buy button outside this module: focus goes back to it when the dialog closes. */
  trigger: RefObject<HTMLButtonElement | null>;
  pkg: PackageView;
  wallet: BuyWallet;
  testMode?: boolean;
  pending: boolean;
  error: string | null;
  checkout: () => void;
}

/** The confirmation before checkout, loaded on first use of a Buy button (see ./buy-button). */
export function BuyDialog({
  open,
  onOpenChange,
  trigger,
  pkg,
  wallet,
  testMode,
  pending,
  error,
  checkout,
}: BuyDialogProps) {
  const confirm = useRef<HTMLButtonElement>(null);
  const WalletIcon = wallet.type === 'org' ? Building2 : User;

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        aria-describedby="buy-dialog-description"
        hideClose={pending}
        onCloseAutoFocus={(event) => {
          event.preventDefault();
          trigger.current?.focus();
        }}
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

'use client';

import type { ComponentProps } from 'react';
import dynamic from 'next/dynamic';
import { ShoppingCart } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Skeleton } from '@/components/ui/skeleton';
import { reportsHydration, UntilHydrated } from '@/components/ui/until-hydrated';
import type { AutoRechargeForm as AutoRechargeFormType } from './auto-recharge-form';
import type { BuyButton as BuyButtonType } from './buy-button';

/**
 * The Purchase tab's interactive parts, whose code loads after the credits page's own: the tab is
 * not the one a credits page opens on, so its forms stay out of the first load. When a page does
 * open on it (?tab=purchase, back from checkout), the server-rendered controls show at once and
 * stay disabled until their code has arrived; otherwise the code is fetched when the page is
 * idle (preloadPurchase), so opening the tab later finds it ready.
 */

const LazyBuyButton = dynamic(
  () => import('./buy-button').then((module) => reportsHydration(module.BuyButton)),
  {
    loading: () => (
      <Button disabled className="w-full">
        <ShoppingCart aria-hidden="true" />
        Buy
      </Button>
    ),
  },
);

const LazyAutoRechargeForm = dynamic(
  () => import('./auto-recharge-form').then((module) => reportsHydration(module.AutoRechargeForm)),
  { loading: () => <Skeleton className="h-44 w-full" /> },
);

/** Shows nothing that can be clicked; it polls for the payment once its code is here. */
export const CheckoutMessage = dynamic(() =>
  import('./checkout-message').then((module) => module.CheckoutMessage),
);

export function BuyButton(props: ComponentProps<typeof BuyButtonType>) {
  return (
    <UntilHydrated>
      {(onHydrated) => <LazyBuyButton {...props} onHydrated={onHydrated} />}
    </UntilHydrated>
  );
}

export function AutoRechargeForm(props: ComponentProps<typeof AutoRechargeFormType>) {
  return (
    <UntilHydrated>
      {(onHydrated) => <LazyAutoRechargeForm {...props} onHydrated={onHydrated} />}
    </UntilHydrated>
  );
}

/** Fetches the Purchase tab's code ahead of use (the same chunks as above). */
export function preloadPurchase(): void {
  void import('./buy-button');
  void import('./auto-recharge-form');
  void import('./checkout-message');
}

import type { Metadata } from 'next';
import { MarketingFooter, MarketingHeader } from '@/components/layout/marketing-chrome';
import { getViewer } from '@/lib/auth';
import { orgSubject, userSubject } from '@/lib/core';
import { getSubscription, listPlans, listTokenTypes } from '@/lib/plans';
import { resolveWallet } from '@/lib/credits';
import { getBillingSubscription, listPlanPrices } from '@/lib/stripe';
import { planCard } from './plan-terms';
import { PricingClient, type PricingScope } from './pricing-client';

export const metadata: Metadata = { title: 'Pricing' };
export const dynamic = 'force-dynamic';

/**
 * Public pricing: the active plans from the database with their prices and terms in words. A
 * signed-in visitor sees their own plan marked, and can switch to an org they own or administer.
 */
export default async function PricingPage() {
  const [plans, prices, tokenTypes, viewer] = await Promise.all([
    listPlans('service'),
    listPlanPrices(),
    listTokenTypes('service'),
    getViewer(),
  ]);
  const cards = plans
    .filter((plan) => plan.isActive)
    .map((plan) => planCard(plan, prices.get(plan.id), tokenTypes));

  let scopes: PricingScope[] = [];
  if (viewer) {
    const managed = viewer.orgs.filter((org) => org.role === 'owner' || org.role === 'admin');
    const scopeOf = async (
      orgId: string | null,
      label: string,
      billingPath: string,
    ): Promise<PricingScope> => {
      const [plan, accountId] = await Promise.all([
        getSubscription(viewer.session, orgId ? orgSubject(orgId) : userSubject(viewer.id)),
        resolveWallet(viewer.session, orgId ? { type: 'org', orgId } : { type: 'personal' }),
      ]);
      const billing = await getBillingSubscription(viewer.session, accountId);
      return {
        orgId,
        label,
        billingPath,
        currentPlanId: plan.planId,
        subscription: billing ? { planId: billing.planId, interval: billing.interval } : null,
      };
    };
    scopes = await Promise.all([
      scopeOf(null, 'Personal', '/billing'),
      ...managed.map((org) => scopeOf(org.id, org.name, `/organizations/${org.slug}/billing`)),
    ]);
  }

  return (
    <div className="flex min-h-dvh flex-col">
      <MarketingHeader current="pricing" signedIn={Boolean(viewer)} />
      <main className="flex-1">
        <div className="mx-auto flex w-full max-w-6xl flex-col gap-8 px-4 py-12 md:px-6 md:py-16">
          <div className="flex flex-col gap-2">
            <h1 className="text-3xl font-semibold tracking-tight md:text-4xl">Plans and pricing</h1>
            <p className="text-muted-foreground max-w-2xl text-pretty">
              Every plan includes monthly credits. Pro and Enterprise add monthly allowances for the
              AI features. Upgrades apply at once; downgrades and cancellations at the end of the
              period.
            </p>
          </div>
          <PricingClient plans={cards} scopes={scopes} signedIn={viewer !== null} />
        </div>
      </main>
      <MarketingFooter />
    </div>
  );
}

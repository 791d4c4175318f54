import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { listTokenTypesForAdmin } from '@/lib/admin';
import { listPlans } from '@/lib/plans';
import { listPlanPrices } from '@/lib/stripe';
import { creditsText } from '../credits-text';
import { PlansClient, type PlanView } from './plans-client';
import { fromMinorUnits } from './price-form-schema';

export const metadata: Metadata = { title: 'Plans' };

/** Plans with their terms and per-feature allowances, and the token types' cost per action. */
export default async function AdminPlansPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  // The layout 404s too, but pages render alongside it: never reach the service reads.
  if (!viewer.isPlatformAdmin) notFound();
  const [plans, tokenTypes, prices] = await Promise.all([
    listPlans(viewer.session),
    listTokenTypesForAdmin(viewer.session),
    listPlanPrices(),
  ]);
  const views: PlanView[] = plans.map((plan) => {
    const price = prices.get(plan.id);
    const currency = price?.currency ?? 'usd';
    return {
      isDefault: plan.isDefault,
      pricesSynced: price?.syncedToStripe ?? true,
      prices: {
        currency,
        monthly: fromMinorUnits(price?.monthlyAmount ?? null, currency),
        yearly: fromMinorUnits(price?.yearlyAmount ?? null, currency),
        trialDays: String(price?.trialDays ?? 0),
        graceDays: String(price?.graceDays ?? 7),
        rolloverCredits: creditsText(price?.rolloverCap ?? 0n),
      },
      allowances: plan.allowances,
      values: {
        id: plan.id,
        name: plan.name,
        description: plan.description,
        tier: String(plan.tier),
        monthlyCredits: creditsText(plan.monthlyCreditGrant),
        monthlyLlmTokenLimit:
          plan.monthlyLlmTokenLimit === null ? '' : String(plan.monthlyLlmTokenLimit),
        requestsPerHour: String(plan.requestsPerHour),
        byokCountsTowardLimits: plan.byokCountsTowardLimits,
        overagePolicy: plan.overagePolicy,
        overageCreditsPerToken: creditsText(plan.overageCreditsPerToken),
        isActive: plan.isActive,
      },
    };
  });

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Plans</h1>
        <p className="text-muted-foreground text-sm">
          Terms and allowances apply to subscribers from their next period.
        </p>
      </div>
      <PlansClient plans={views} tokenTypes={tokenTypes} />
    </div>
  );
}

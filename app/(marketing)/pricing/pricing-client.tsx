'use client';

import { useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Check } from 'lucide-react';
import { SegmentedControl } from '@/components/credits/segmented-control';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button, buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import {
  ChangePlanDialog,
  type PlanChangeQuoteView,
} from '@/components/billing/change-plan-dialog';
import { callApi } from '@/lib/api/client';
import type { PlanCard } from './plan-terms';

export interface PricingScope {
  /** null: the signed-in user's own plan. */
  orgId: string | null;
  label: string;
  currentPlanId: string;
  /** The live subscription, whose plan is changed rather than bought again. */
  subscription: { planId: string; interval: Interval } | null;
  /** The billing page of this wallet, where a change lands. */
  billingPath: string;
}

type Interval = 'month' | 'year';

/** The plan cards with the monthly/yearly toggle, the personal/org switch and subscribe buttons. */
export function PricingClient({
  plans,
  scopes,
  signedIn,
}: {
  plans: PlanCard[];
  scopes: PricingScope[];
  signedIn: boolean;
}) {
  const [interval, setInterval] = useState<Interval>('month');
  const [scopeKey, setScopeKey] = useState('personal');
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [quote, setQuote] = useState<PlanChangeQuoteView | null>(null);
  const router = useRouter();
  const scope = scopes.find((item) => (item.orgId ?? 'personal') === scopeKey) ?? scopes[0];
  const subscription = scope?.subscription ?? null;
  const current = plans.find((plan) => plan.id === (subscription?.planId ?? scope?.currentPlanId));

  async function requestChange(plan: PlanChangeQuoteView | PlanCard, confirm: boolean) {
    const planId = 'planId' in plan ? plan.planId : plan.id;
    return (await callApi('/api/billing/change-plan', {
      method: 'POST',
      body: JSON.stringify({
        planId,
        interval: 'planId' in plan ? plan.interval : interval,
        orgId: scope?.orgId ?? undefined,
        preview: !confirm,
        ...(confirm && 'prorationDate' in plan && plan.prorationDate
          ? { prorationDate: plan.prorationDate }
          : {}),
      }),
    })) as PlanChangeQuoteView;
  }

  /** A subscribed wallet changes its plan: Stripe's preview first, then the confirmed change. */
  async function preview(plan: PlanCard) {
    setError(null);
    setPending(plan.id);
    try {
      setQuote(await requestChange(plan, false));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'Could not preview the change.');
    } finally {
      setPending(null);
    }
  }

  async function confirmChange() {
    if (!quote || !scope) return;
    setError(null);
    setPending(quote.planId);
    try {
      await requestChange(quote, true);
      router.push(`${scope.billingPath}?changed=${quote.change}`);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'Could not change the plan.');
      setPending(null);
    }
  }

  async function subscribe(plan: PlanCard) {
    setError(null);
    setPending(plan.id);
    try {
      const body = (await callApi('/api/billing/subscribe', {
        method: 'POST',
        body: JSON.stringify({ planId: plan.id, interval, orgId: scope?.orgId ?? undefined }),
      })) as { url: string };
      window.location.assign(body.url);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'Could not start the checkout.');
      setPending(null);
    }
  }

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center gap-4">
        <SegmentedControl
          legend="Billing interval"
          options={[
            { value: 'month', label: 'Monthly' },
            { value: 'year', label: 'Yearly' },
          ]}
          value={interval}
          onChange={setInterval}
        />
        {scopes.length > 1 ? (
          <SegmentedControl
            legend="Plan for"
            options={scopes.map((item) => ({ value: item.orgId ?? 'personal', label: item.label }))}
            value={scopeKey}
            onChange={setScopeKey}
          />
        ) : null}
      </div>
      {error && !quote ? (
        <Alert variant="destructive" role="alert">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {plans.map((plan) => {
          const isCurrent = plan.id === scope?.currentPlanId;
          const isSubscribed =
            subscription !== null &&
            plan.id === subscription.planId &&
            interval === subscription.interval;
          const price = interval === 'year' ? plan.yearlyPrice : plan.monthlyPrice;
          const sold = plan.purchasable[interval];
          return (
            <Card
              key={plan.id}
              data-testid={`plan-${plan.id}`}
              className={isCurrent ? 'border-primary ring-primary/30 ring-2' : undefined}
            >
              <CardHeader>
                <div className="flex flex-wrap items-center gap-2">
                  <CardTitle as="h2">{plan.name}</CardTitle>
                  {isCurrent ? <Badge variant="info">Current plan</Badge> : null}
                </div>
                <CardDescription>{plan.description}</CardDescription>
              </CardHeader>
              <CardContent className="flex flex-col gap-4">
                <div>
                  <p className="text-3xl font-semibold tracking-tight">
                    {plan.monthlyPrice === null ? 'Free' : (price ?? '—')}
                    {plan.monthlyPrice !== null && price ? (
                      <span className="text-muted-foreground text-sm font-normal">
                        {interval === 'year' ? ' / year' : ' / month'}
                      </span>
                    ) : null}
                  </p>
                  {interval === 'year' && plan.yearlySaving ? (
                    <p className="text-success text-sm">{plan.yearlySaving}</p>
                  ) : null}
                  {plan.monthlyPrice !== null && !sold ? (
                    <p className="text-muted-foreground text-sm">Sold monthly only.</p>
                  ) : null}
                  {plan.trialDays > 0 ? (
                    <p className="text-muted-foreground text-sm">{plan.trialDays}-day free trial</p>
                  ) : null}
                </div>
                <ul className="flex flex-col gap-1.5 text-sm">
                  {[
                    plan.monthlyCredits,
                    ...(plan.rollover ? [plan.rollover] : []),
                    ...plan.features,
                    plan.requestsPerHour,
                    plan.byok,
                    plan.overage,
                  ].map((line) => (
                    <li key={line} className="flex gap-2">
                      <Check aria-hidden="true" className="text-primary mt-0.5 size-4 shrink-0" />
                      <span>{line}</span>
                    </li>
                  ))}
                </ul>
                <PlanAction
                  plan={plan}
                  isCurrent={subscription ? isSubscribed : isCurrent}
                  signedIn={signedIn}
                  sold={sold}
                  isUpgrade={
                    current
                      ? plan.tier > current.tier ||
                        (plan.id === current.id &&
                          interval === 'year' &&
                          subscription?.interval === 'month')
                      : true
                  }
                  change={
                    subscription
                      ? plan.id === subscription.planId
                        ? interval === 'year'
                          ? 'Switch to yearly'
                          : 'Switch to monthly'
                        : 'plan'
                      : null
                  }
                  billingPath={scope?.billingPath ?? '/billing'}
                  pending={pending === plan.id}
                  disabled={pending !== null}
                  onSubscribe={() => void (subscription ? preview(plan) : subscribe(plan))}
                />
              </CardContent>
            </Card>
          );
        })}
      </div>
      <ChangePlanDialog
        quote={quote}
        walletLabel={scope?.orgId ? `${scope.label} (organization)` : 'Your personal plan'}
        pending={pending !== null}
        error={quote ? error : null}
        onConfirm={() => void confirmChange()}
        onClose={() => {
          setQuote(null);
          setError(null);
        }}
      />
    </div>
  );
}

function PlanAction({
  plan,
  isCurrent,
  signedIn,
  sold,
  isUpgrade,
  change,
  billingPath,
  pending,
  disabled,
  onSubscribe,
}: {
  plan: PlanCard;
  isCurrent: boolean;
  signedIn: boolean;
  sold: boolean;
  isUpgrade: boolean;
  /** A subscribed wallet: 'plan' for another plan, or the label of an interval switch. */
  change: string | null;
  billingPath: string;
  pending: boolean;
  disabled: boolean;
  onSubscribe: () => void;
}) {
  if (!signedIn) {
    return (
      <Link href="/login" className={buttonVariants({ variant: 'outline' })}>
        Sign in to choose {plan.name}
      </Link>
    );
  }
  if (isCurrent) {
    return (
      <Link href={billingPath} className={buttonVariants({ variant: 'outline' })}>
        Manage billing
      </Link>
    );
  }
  if (!sold) {
    return (
      <Link href={billingPath} className={buttonVariants({ variant: 'ghost' })}>
        {change ? 'Cancel the subscription in billing' : 'Change plan in billing'}
      </Link>
    );
  }
  return (
    <Button onClick={onSubscribe} disabled={disabled} variant={isUpgrade ? 'default' : 'outline'}>
      {pending
        ? change
          ? 'Working out the price…'
          : 'Opening checkout…'
        : change && change !== 'plan'
          ? change
          : plan.trialDays > 0 && isUpgrade && !change
            ? `Start ${plan.trialDays}-day trial`
            : `${isUpgrade ? 'Upgrade' : 'Switch'} to ${plan.name}`}
    </Button>
  );
}

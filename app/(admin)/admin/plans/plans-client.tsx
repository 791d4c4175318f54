'use client';

import { useState } from 'react';
import type { AdminTokenType } from '@/lib/admin';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { AllowancesForm } from './allowances-form';
import { PlanForm } from './plan-form';
import type { PlanFormValues } from './plan-form-schema';
import { PriceForm } from './price-form';
import type { PriceFormValues } from './price-form-schema';
import { TokenTypesEditor } from './token-types-editor';

export interface PlanView {
  isDefault: boolean;
  allowances: Record<string, number>;
  values: PlanFormValues;
  prices: PriceFormValues;
  pricesSynced: boolean;
}

const NEW = '__new__';

const blankPlan: PlanFormValues = {
  id: '',
  name: '',
  description: '',
  tier: '0',
  monthlyCredits: '0',
  monthlyLlmTokenLimit: '',
  requestsPerHour: '100',
  byokCountsTowardLimits: false,
  overagePolicy: 'block',
  overageCreditsPerToken: '0',
  isActive: true,
};

/** Pick a plan (or start a new one), edit its terms and allowances; token types below. */
export function PlansClient({
  plans,
  tokenTypes,
}: {
  plans: PlanView[];
  tokenTypes: AdminTokenType[];
}) {
  const [selected, setSelected] = useState(plans[0]?.values.id ?? NEW);
  const plan = plans.find((item) => item.values.id === selected);

  return (
    <div className="flex flex-col gap-6">
      <div className="flex w-64 max-w-full flex-col gap-1.5">
        <Label htmlFor="plan-picker">Plan</Label>
        <Select
          id="plan-picker"
          value={selected}
          onChange={(event) => setSelected(event.target.value)}
        >
          {plans.map((item) => (
            <option key={item.values.id} value={item.values.id}>
              {item.values.name}
              {item.values.isActive ? '' : ' (retired)'}
            </option>
          ))}
          <option value={NEW}>New plan…</option>
        </Select>
      </div>
      <Card>
        <CardHeader>
          <div className="flex items-center gap-2">
            <CardTitle as="h2">{plan ? plan.values.name : 'New plan'}</CardTitle>
            {plan?.isDefault ? <Badge variant="info">Default</Badge> : null}
          </div>
          <CardDescription>Terms of the plan.</CardDescription>
        </CardHeader>
        <CardContent>
          <PlanForm
            key={plan?.values.id ?? NEW}
            initial={plan?.values ?? blankPlan}
            isNew={!plan}
            onSaved={setSelected}
          />
        </CardContent>
      </Card>
      {plan ? (
        <Card>
          <CardHeader>
            <CardTitle as="h2">Prices of {plan.values.name}</CardTitle>
            <CardDescription>
              What the plan costs through Stripe Billing, its trial, grace days and rollover.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <PriceForm
              key={plan.values.id}
              planId={plan.values.id}
              initial={plan.prices}
              synced={plan.pricesSynced}
            />
          </CardContent>
        </Card>
      ) : null}
      {plan ? (
        <Card>
          <CardHeader>
            <CardTitle as="h2">Allowances on {plan.values.name}</CardTitle>
            <CardDescription>
              Monthly tokens per feature; 0 means the feature is off.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <AllowancesForm
              key={plan.values.id}
              planId={plan.values.id}
              tokenTypes={tokenTypes}
              initial={plan.allowances}
            />
          </CardContent>
        </Card>
      ) : null}
      <Card>
        <CardHeader>
          <CardTitle as="h2">Token types</CardTitle>
          <CardDescription>
            What one action of each feature costs in allowance tokens.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <TokenTypesEditor tokenTypes={tokenTypes} />
        </CardContent>
      </Card>
    </div>
  );
}

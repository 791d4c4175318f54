'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { toast } from '@/components/ui/toast';
import { savePlanModelsAction } from './actions';

/** Per plan, the models it includes: ticked ones only, or every model when none is ticked. */
export function PlanModels({
  plans,
  models,
  included,
}: {
  plans: { id: string; name: string }[];
  models: string[];
  included: Record<string, string[]>;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [chosen, setChosen] = useState<Record<string, Set<string>>>(() =>
    Object.fromEntries(plans.map((plan) => [plan.id, new Set(included[plan.id] ?? [])])),
  );

  function toggle(planId: string, model: string, on: boolean) {
    setChosen((current) => {
      const next = new Set(current[planId]);
      if (on) next.add(model);
      else next.delete(model);
      return { ...current, [planId]: next };
    });
  }

  function save(planId: string) {
    startTransition(async () => {
      const result = await savePlanModelsAction({ planId, models: [...(chosen[planId] ?? [])] });
      if (!result.ok) toast({ title: result.error.detail, variant: 'destructive' });
      else toast({ title: `Models of ${planId} saved`, variant: 'success' });
      router.refresh();
    });
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle as="h2">Models by plan</CardTitle>
        <CardDescription>
          A plan with no model ticked includes every model. Org owners and admins may narrow their
          members further in the org&apos;s settings.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4 md:grid-cols-2">
        {plans.map((plan) => (
          <fieldset key={plan.id} className="flex flex-col gap-2 rounded-md border p-3">
            <legend className="px-1 text-sm font-medium">
              {plan.name}{' '}
              <span className="text-muted-foreground font-normal">
                ({chosen[plan.id]?.size ? `${chosen[plan.id]!.size} models` : 'every model'})
              </span>
            </legend>
            <div className="grid grid-cols-1 gap-1 sm:grid-cols-2">
              {models.map((model) => (
                <label key={model} className="flex items-center gap-2 text-sm break-all">
                  <input
                    type="checkbox"
                    className="size-4 shrink-0"
                    checked={chosen[plan.id]?.has(model) ?? false}
                    onChange={(event) => toggle(plan.id, model, event.target.checked)}
                  />
                  {model}
                </label>
              ))}
            </div>
            <Button
              size="sm"
              variant="outline"
              className="self-start"
              disabled={pending}
              onClick={() => save(plan.id)}
            >
              Save {plan.name} models
            </Button>
          </fieldset>
        ))}
      </CardContent>
    </Card>
  );
}

'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { toast } from '@/components/ui/toast';
import { savePlanAction } from './actions';
import { planForm, POLICIES, type PlanFormValues } from './plan-form-schema';

type TextField =
  | 'id'
  | 'name'
  | 'tier'
  | 'monthlyCredits'
  | 'monthlyLlmTokenLimit'
  | 'requestsPerHour'
  | 'overageCreditsPerToken';

const textFields: { name: TextField; label: string; hint?: string }[] = [
  { name: 'id', label: 'Plan id', hint: 'e.g. team' },
  { name: 'name', label: 'Name' },
  { name: 'tier', label: 'Tier (higher = better)' },
  { name: 'monthlyCredits', label: 'Monthly credits granted' },
  { name: 'monthlyLlmTokenLimit', label: 'LLM tokens per month', hint: 'blank = unlimited' },
  { name: 'requestsPerHour', label: 'Requests per hour' },
  { name: 'overageCreditsPerToken', label: 'Overage credits per allowance token' },
];

/** A plan's terms, validated here for readable errors and again by the action and SQL. */
export function PlanForm({
  initial,
  isNew,
  onSaved,
}: {
  initial: PlanFormValues;
  isNew: boolean;
  onSaved: (id: string) => void;
}) {
  const router = useRouter();
  const [values, setValues] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const parsed = planForm.safeParse(values);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Check the form.');
      return;
    }
    startTransition(async () => {
      const result = await savePlanAction(values);
      if (!result.ok) {
        setError(result.error.detail);
        return;
      }
      toast({ title: `Saved ${values.name}`, variant: 'success' });
      onSaved(result.data.id);
      router.refresh();
    });
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate aria-label="Plan terms">
      {error ? (
        <Alert variant="destructive" id="plan-error">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        {textFields.map((field) => (
          <div key={field.name} className="flex flex-col gap-2">
            <Label htmlFor={`plan-${field.name}`}>{field.label}</Label>
            <Input
              id={`plan-${field.name}`}
              value={values[field.name]}
              placeholder={field.hint}
              readOnly={field.name === 'id' && !isNew}
              onChange={(event) =>
                setValues((current) => ({ ...current, [field.name]: event.target.value }))
              }
              aria-describedby={error ? 'plan-error' : undefined}
            />
          </div>
        ))}
        <div className="flex flex-col gap-2">
          <Label htmlFor="plan-overage">Past the allowance</Label>
          <Select
            id="plan-overage"
            value={values.overagePolicy}
            onChange={(event) => {
              const policy = POLICIES.find((item) => item === event.target.value) ?? 'block';
              setValues((current) => ({ ...current, overagePolicy: policy }));
            }}
          >
            <option value="block">Block the feature</option>
            <option value="credits">Spend credits</option>
          </Select>
        </div>
      </div>
      <div className="flex flex-col gap-2">
        <Label htmlFor="plan-description">Description</Label>
        <Input
          id="plan-description"
          value={values.description}
          maxLength={500}
          onChange={(event) =>
            setValues((current) => ({ ...current, description: event.target.value }))
          }
        />
      </div>
      <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            className="size-4"
            checked={values.byokCountsTowardLimits}
            onChange={(event) =>
              setValues((current) => ({ ...current, byokCountsTowardLimits: event.target.checked }))
            }
          />
          Own-key (BYOK) calls count toward the limit
        </label>
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            className="size-4"
            checked={values.isActive}
            onChange={(event) =>
              setValues((current) => ({ ...current, isActive: event.target.checked }))
            }
          />
          Active (offered to new subscribers)
        </label>
      </div>
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : isNew ? 'Create plan' : 'Save plan'}
        </Button>
      </div>
    </form>
  );
}

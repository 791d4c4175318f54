'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { toast } from '@/components/ui/toast';
import { setCreditLimitAction, setPlanAction } from './actions';

interface PlanOption {
  id: string;
  name: string;
}

type Mode = 'plan' | 'wallet-limit' | 'plan-limit';

const copy: Record<Mode, { label: string; submit: string; busy: string }> = {
  plan: { label: 'Set a plan', submit: 'Set plan', busy: 'Setting…' },
  'wallet-limit': { label: 'Wallet credit limit', submit: 'Set limit', busy: 'Saving…' },
  'plan-limit': { label: 'Plan credit line', submit: 'Set plan line', busy: 'Saving…' },
};

/**
 * One form per kind of override: a user's or org's plan, a wallet's credit limit, or a plan's
 * credit line. Every one needs a reason, which the audit log keeps with the change.
 */
export function OverrideForm({ mode, plans }: { mode: Mode; plans: PlanOption[] }) {
  const router = useRouter();
  const empty = { target: '', planId: plans[0]?.id ?? '', limit: '', reason: '' };
  const [values, setValues] = useState(empty);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const id = (name: string) => `${mode}-${name}`;
  const set = (name: keyof typeof empty) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [name]: event.target.value }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    if (values.reason.trim().length < 3) {
      setError('Give a reason (at least 3 characters).');
      return;
    }
    startTransition(async () => {
      const result =
        mode === 'plan'
          ? await setPlanAction(values)
          : mode === 'wallet-limit'
            ? await setCreditLimitAction({
                target: values.target,
                limit: values.limit,
                reason: values.reason,
              })
            : await setCreditLimitAction({
                planId: values.planId,
                limit: values.limit,
                reason: values.reason,
              });
      if (!result.ok) {
        setError(result.error.detail);
        return;
      }
      toast({
        title:
          'change' in result.data
            ? `${result.data.target}: ${result.data.change.replaceAll('_', ' ')}`
            : result.data.cleared
              ? 'Credit limit cleared'
              : 'Credit limit saved',
        variant: 'success',
      });
      setValues(empty);
      router.refresh();
    });
  }

  const describedBy = error ? id('error') : undefined;
  return (
    <form
      onSubmit={submit}
      className="flex flex-col gap-4"
      noValidate
      aria-label={copy[mode].label}
    >
      {error ? (
        <Alert variant="destructive" id={id('error')}>
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        {mode === 'plan-limit' ? null : (
          <div className="flex flex-col gap-2">
            <Label htmlFor={id('target')}>User email or org slug</Label>
            <Input
              id={id('target')}
              value={values.target}
              onChange={set('target')}
              required
              autoComplete="off"
              placeholder="e.g. pro@tollgate.dev or acme-ai"
              aria-describedby={describedBy}
            />
          </div>
        )}
        {mode === 'wallet-limit' ? null : (
          <div className="flex flex-col gap-2">
            <Label htmlFor={id('plan')}>Plan</Label>
            <Select id={id('plan')} value={values.planId} onChange={set('planId')}>
              {plans.map((plan) => (
                <option key={plan.id} value={plan.id}>
                  {plan.name}
                </option>
              ))}
            </Select>
          </div>
        )}
        {mode === 'plan' ? null : (
          <div className="flex flex-col gap-2">
            <Label htmlFor={id('limit')}>Credit limit in credits (empty clears it)</Label>
            <Input
              id={id('limit')}
              value={values.limit}
              onChange={set('limit')}
              inputMode="decimal"
              placeholder="e.g. 500"
              aria-describedby={describedBy}
            />
          </div>
        )}
      </div>
      <div className="flex flex-col gap-2">
        <Label htmlFor={id('reason')}>Reason (required, kept in the audit log)</Label>
        <Input
          id={id('reason')}
          value={values.reason}
          onChange={set('reason')}
          required
          maxLength={500}
          placeholder="e.g. Comped for the design-partner programme"
          aria-describedby={describedBy}
        />
      </div>
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? copy[mode].busy : copy[mode].submit}
        </Button>
      </div>
    </form>
  );
}

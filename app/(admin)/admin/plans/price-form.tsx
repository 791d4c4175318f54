'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { toast } from '@/components/ui/toast';
import { savePlanPriceAction } from './actions';
import { priceForm, type PriceFormValues } from './price-form-schema';

const fields: { name: keyof PriceFormValues; label: string; hint?: string }[] = [
  { name: 'monthly', label: 'Monthly price', hint: 'blank = not for sale' },
  { name: 'yearly', label: 'Yearly price', hint: 'blank = monthly only' },
  { name: 'currency', label: 'Currency', hint: 'usd' },
  { name: 'trialDays', label: 'Free trial (days)' },
  { name: 'graceDays', label: 'Grace after a failed payment (days)' },
  { name: 'rolloverCredits', label: 'Rollover cap (credits)', hint: '0 = no rollover' },
];

/** A plan's prices and billing terms; `npm run stripe:sync` then creates its Stripe prices. */
export function PriceForm({
  planId,
  initial,
  synced,
}: {
  planId: string;
  initial: PriceFormValues;
  synced: boolean;
}) {
  const router = useRouter();
  const [values, setValues] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const input = { planId, ...values };
    const parsed = priceForm.safeParse(input);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Check the form.');
      return;
    }
    startTransition(async () => {
      const result = await savePlanPriceAction(input);
      if (!result.ok) {
        setError(result.error.detail);
        return;
      }
      toast({ title: 'Saved prices', variant: 'success' });
      router.refresh();
    });
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate aria-label="Prices">
      {error ? (
        <Alert variant="destructive" id="price-error">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {fields.map((field) => (
          <div key={field.name} className="flex flex-col gap-2">
            <Label htmlFor={`price-${field.name}`}>{field.label}</Label>
            <Input
              id={`price-${field.name}`}
              value={values[field.name]}
              placeholder={field.hint}
              onChange={(event) =>
                setValues((current) => ({ ...current, [field.name]: event.target.value }))
              }
              aria-describedby={error ? 'price-error' : undefined}
            />
          </div>
        ))}
      </div>
      <p className="text-muted-foreground text-sm">
        {synced
          ? 'Stripe has these prices.'
          : 'Run npm run stripe:sync after saving to create the Stripe prices.'}
      </p>
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : 'Save prices'}
        </Button>
      </div>
    </form>
  );
}

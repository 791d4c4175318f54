'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { z } from 'zod';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { toast } from '@/components/ui/toast';
import { ApiError, callApi } from '@/lib/api/client';
import { packageForm, type PackageFormValues } from './package-form-schema';

const saved = z.object({ id: z.string() });

type TextField = Exclude<keyof PackageFormValues, 'active'>;

const textFields: {
  name: TextField;
  label: string;
  hint?: string;
  inputMode?: 'decimal' | 'numeric';
}[] = [
  { name: 'name', label: 'Name' },
  { name: 'slug', label: 'Slug', hint: 'lower-case, e.g. growth-pack' },
  { name: 'credits', label: 'Credits', inputMode: 'decimal' },
  { name: 'price', label: 'Price', hint: 'in the currency, e.g. 19.99', inputMode: 'decimal' },
  { name: 'currency', label: 'Currency' },
  { name: 'bonusCredits', label: 'Bonus credits', inputMode: 'decimal' },
  { name: 'bonusExpiresDays', label: 'Bonus expires after (days)', inputMode: 'numeric' },
  { name: 'sortOrder', label: 'Sort order', inputMode: 'numeric' },
];

/** Creates or replaces a package through the admin API, validating first for readable errors. */
export function PackageForm({
  packageId,
  initial,
  onSaved,
}: {
  packageId: string | null;
  initial: PackageFormValues;
  onSaved: (id: string) => void;
}) {
  const router = useRouter();
  const [values, setValues] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const parsed = packageForm.safeParse(values);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Check the form.');
      return;
    }
    const { price, ...fields } = parsed.data;
    const body = { ...fields, priceAmount: price };
    startTransition(async () => {
      let json: unknown;
      try {
        json = await callApi(
          packageId ? `/api/admin/credit-packages/${packageId}` : '/api/admin/credit-packages',
          { method: packageId ? 'PUT' : 'POST', body: JSON.stringify(body) },
        );
      } catch (caught) {
        setError(caught instanceof ApiError ? caught.message : 'Saving failed. Please try again.');
        return;
      }
      const result = saved.safeParse(json);
      toast({ title: `Saved ${parsed.data.name}`, variant: 'success' });
      if (result.success) onSaved(result.data.id);
      router.refresh();
    });
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate aria-label="Credit package">
      {error ? (
        <Alert variant="destructive" id="package-error">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        {textFields.map((field) => (
          <div key={field.name} className="flex flex-col gap-2">
            <Label htmlFor={`package-${field.name}`}>{field.label}</Label>
            <Input
              id={`package-${field.name}`}
              value={values[field.name]}
              inputMode={field.inputMode}
              placeholder={field.hint}
              onChange={(event) =>
                setValues((current) => ({ ...current, [field.name]: event.target.value }))
              }
              aria-describedby={error ? 'package-error' : undefined}
            />
          </div>
        ))}
      </div>
      <div className="flex flex-col gap-2">
        <Label htmlFor="package-description">Description</Label>
        <Input
          id="package-description"
          value={values.description}
          maxLength={300}
          onChange={(event) =>
            setValues((current) => ({ ...current, description: event.target.value }))
          }
        />
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={values.active}
          onChange={(event) =>
            setValues((current) => ({ ...current, active: event.target.checked }))
          }
          className="size-4"
        />
        Active (shown to buyers)
      </label>
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : packageId ? 'Save package' : 'Create package'}
        </Button>
      </div>
    </form>
  );
}

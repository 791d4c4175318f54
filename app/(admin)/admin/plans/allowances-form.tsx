'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import type { AdminTokenType } from '@/lib/admin';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { toast } from '@/components/ui/toast';
import { saveAllowancesAction } from './actions';

/** One monthly allowance per token type; only the changed ones are sent. */
export function AllowancesForm({
  planId,
  tokenTypes,
  initial,
}: {
  planId: string;
  tokenTypes: AdminTokenType[];
  initial: Record<string, number>;
}) {
  const router = useRouter();
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(tokenTypes.map((type) => [type.name, String(initial[type.name] ?? 0)])),
  );
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const changed: { tokenType: string; monthlyAllowance: number }[] = [];
    for (const type of tokenTypes) {
      const text = (values[type.name] ?? '').trim();
      if (!/^\d{1,13}$/.test(text)) {
        setError(`${type.label}: enter a whole number of tokens (0 turns it off).`);
        return;
      }
      if (Number(text) !== (initial[type.name] ?? 0)) {
        changed.push({ tokenType: type.name, monthlyAllowance: Number(text) });
      }
    }
    if (changed.length === 0) {
      setError('Nothing changed.');
      return;
    }
    startTransition(async () => {
      const result = await saveAllowancesAction({ planId, allowances: changed });
      if (!result.ok) {
        setError(result.error.detail);
        return;
      }
      toast({ title: `Saved ${result.data.saved} allowance(s)`, variant: 'success' });
      router.refresh();
    });
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate aria-label="Allowances">
      {error ? (
        <Alert variant="destructive" id="allowances-error">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {tokenTypes.map((type) => (
          <div key={type.name} className="flex flex-col gap-2">
            <Label htmlFor={`allowance-${type.name}`}>{type.label}</Label>
            <Input
              id={`allowance-${type.name}`}
              inputMode="numeric"
              value={values[type.name] ?? '0'}
              onChange={(event) =>
                setValues((current) => ({ ...current, [type.name]: event.target.value }))
              }
              aria-describedby={error ? 'allowances-error' : undefined}
            />
          </div>
        ))}
      </div>
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : 'Save allowances'}
        </Button>
      </div>
    </form>
  );
}

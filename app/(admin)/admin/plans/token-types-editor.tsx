'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import type { AdminTokenType } from '@/lib/admin';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { toast } from '@/components/ui/toast';
import { saveTokenTypeAction } from './actions';
import { tokenTypeForm } from './plan-form-schema';

/** Label and cost per action of each token type, one small form per type. */
export function TokenTypesEditor({ tokenTypes }: { tokenTypes: AdminTokenType[] }) {
  return (
    <ul className="flex flex-col divide-y">
      {tokenTypes.map((type) => (
        <li key={type.name} className="py-3 first:pt-0 last:pb-0">
          <TokenTypeRow tokenType={type} />
        </li>
      ))}
    </ul>
  );
}

function TokenTypeRow({ tokenType }: { tokenType: AdminTokenType }) {
  const router = useRouter();
  const [label, setLabel] = useState(tokenType.label);
  const [cost, setCost] = useState(String(tokenType.costPerAction));
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const id = `token-type-${tokenType.name}`;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const input = {
      name: tokenType.name,
      label,
      costPerAction: /^\d+$/.test(cost.trim()) ? Number(cost) : Number.NaN,
      description: tokenType.description,
      sortOrder: tokenType.sortOrder,
    };
    const parsed = tokenTypeForm.safeParse(input);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Check the form.');
      return;
    }
    startTransition(async () => {
      const result = await saveTokenTypeAction(parsed.data);
      if (!result.ok) {
        setError(result.error.detail);
        return;
      }
      toast({ title: `Saved ${parsed.data.label}`, variant: 'success' });
      router.refresh();
    });
  }

  return (
    <form onSubmit={submit} noValidate aria-label={`Token type ${tokenType.name}`}>
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex min-w-40 flex-1 flex-col gap-2">
          <Label htmlFor={`${id}-label`}>
            Label <span className="text-muted-foreground font-normal">({tokenType.name})</span>
          </Label>
          <Input id={`${id}-label`} value={label} onChange={(e) => setLabel(e.target.value)} />
        </div>
        <div className="flex w-36 flex-col gap-2">
          <Label htmlFor={`${id}-cost`}>Tokens per action</Label>
          <Input
            id={`${id}-cost`}
            inputMode="numeric"
            value={cost}
            onChange={(e) => setCost(e.target.value)}
          />
        </div>
        <Button type="submit" variant="outline" disabled={pending}>
          {pending ? 'Saving…' : 'Save'}
        </Button>
      </div>
      {error ? (
        <Alert variant="destructive" className="mt-2">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
    </form>
  );
}

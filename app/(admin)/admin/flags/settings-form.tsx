'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { toast } from '@/components/ui/toast';
import { saveAiSettingsAction } from './actions';

interface SettingsValues {
  creditsPerUsd: string;
  /** Markup as a multiplier, e.g. "1.5". */
  markup: string;
  /** Cache hit charge as a percentage of the normal price, e.g. "0" or "50". */
  cacheHitPercent: string;
}

/** "1.5" → 15000 basis points; null unless a number with at most two decimals. */
function toBps(text: string, scale: number): number | null {
  const match = /^\s*(\d{1,3})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * scale + Math.round(Number(`0.${match[2] ?? '0'}`) * scale);
}

/** Global AI pricing: how provider cost becomes credits, and what a cached answer costs. */
export function SettingsForm({ initial }: { initial: SettingsValues }) {
  const router = useRouter();
  const [values, setValues] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const creditsPerUsd = values.creditsPerUsd.trim();
    const markupBps = toBps(values.markup, 10_000);
    const cacheHitChargeBps = toBps(values.cacheHitPercent, 100);
    if (!/^\d{1,7}$/.test(creditsPerUsd) || Number(creditsPerUsd) < 1) {
      setError('Credits per USD: a whole number from 1 to 1,000,000.');
      return;
    }
    if (markupBps === null || markupBps < 10_000 || markupBps > 100_000) {
      setError('Markup: a multiplier from 1 to 10, e.g. 1.5.');
      return;
    }
    if (cacheHitChargeBps === null || cacheHitChargeBps > 10_000) {
      setError('Cache hit charge: a percentage from 0 to 100.');
      return;
    }
    startTransition(async () => {
      const result = await saveAiSettingsAction({ creditsPerUsd, markupBps, cacheHitChargeBps });
      if (!result.ok) {
        setError(result.error.detail);
        return;
      }
      toast({ title: 'AI settings saved', variant: 'success' });
      router.refresh();
    });
  }

  const field = (name: keyof SettingsValues, label: string, help: string) => (
    <div className="flex flex-col gap-2">
      <Label htmlFor={`settings-${name}`}>{label}</Label>
      <Input
        id={`settings-${name}`}
        value={values[name]}
        inputMode="decimal"
        onChange={(event) => setValues((v) => ({ ...v, [name]: event.target.value }))}
        aria-describedby={`settings-${name}-help${error ? ' settings-error' : ''}`}
      />
      <p id={`settings-${name}-help`} className="text-muted-foreground text-xs">
        {help}
      </p>
    </div>
  );

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-label="AI settings">
      {error ? (
        <Alert variant="destructive" id="settings-error">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      <div className="grid gap-4 md:grid-cols-3">
        {field('creditsPerUsd', 'Credits per USD', 'How many credits 1 USD of provider cost is.')}
        {field('markup', 'Markup (×)', 'Multiplier on provider cost, e.g. 1.5.')}
        {field(
          'cacheHitPercent',
          'Cache hit charge (%)',
          'Share of the normal price a cached answer costs (0 = free).',
        )}
      </div>
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : 'Save settings'}
        </Button>
      </div>
    </form>
  );
}

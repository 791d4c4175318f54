'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { toast } from '@/components/ui/toast';
import { saveFlagAction } from './actions';

type FlagScope = 'feature' | 'model' | 'plan';

export interface FlagValues {
  scope: FlagScope;
  key: string;
  enabled: boolean;
  reason: string;
}

export type FlagSuggestions = Record<FlagScope, string[]>;

export const emptyFlag: FlagValues = { scope: 'feature', key: '', enabled: false, reason: '' };

const scopeHelp: Record<FlagScope, string> = {
  feature: 'A feature that calls name: the assistant, the API endpoints, each product feature.',
  model: 'A model of the catalog.',
  plan: 'A plan: every subscriber of that plan.',
};

/** Creates a flag or edits the one picked from the list (scope and key name the flag). */
export function FlagForm({
  initial,
  editing,
  suggestions,
  onDone,
}: {
  initial: FlagValues;
  editing: boolean;
  suggestions: FlagSuggestions;
  onDone: () => void;
}) {
  const router = useRouter();
  const [values, setValues] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    if (values.key.trim() === '') {
      setError(`Choose the ${values.scope} to switch.`);
      return;
    }
    startTransition(async () => {
      const result = await saveFlagAction({
        scope: values.scope,
        key: values.key.trim(),
        enabled: values.enabled,
        reason: values.reason.trim() || undefined,
      });
      if (!result.ok) {
        setError(result.error.detail);
        return;
      }
      toast({
        title: `${values.scope} ${values.key.trim()}: calls ${values.enabled ? 'allowed' : 'blocked'}`,
        variant: 'success',
      });
      onDone();
      router.refresh();
    });
  }

  const describedBy = error ? 'flag-error' : 'flag-key-help';
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-label="Feature flag">
      {error ? (
        <Alert variant="destructive" id="flag-error">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="flex flex-col gap-2">
          <Label htmlFor="flag-scope">Scope</Label>
          <Select
            id="flag-scope"
            value={values.scope}
            disabled={editing}
            onChange={(event) =>
              setValues((v) => ({ ...v, scope: event.target.value as FlagScope, key: '' }))
            }
          >
            <option value="feature">Feature</option>
            <option value="model">Model</option>
            <option value="plan">Plan</option>
          </Select>
        </div>
        <div className="flex flex-col gap-2">
          <Label htmlFor="flag-key">Key</Label>
          {editing ? (
            <Input id="flag-key" value={values.key} readOnly aria-describedby={describedBy} />
          ) : (
            <Select
              id="flag-key"
              value={values.key}
              onChange={(event) => setValues((v) => ({ ...v, key: event.target.value }))}
              aria-describedby={describedBy}
            >
              <option value="">Choose a {values.scope}…</option>
              {suggestions[values.scope].map((key) => (
                <option key={key} value={key}>
                  {key}
                </option>
              ))}
            </Select>
          )}
          <p id="flag-key-help" className="text-muted-foreground text-xs">
            {scopeHelp[values.scope]}
          </p>
        </div>
      </div>
      <div className="flex flex-col gap-2">
        <Label htmlFor="flag-reason">Reason (shown to callers when blocked)</Label>
        <Input
          id="flag-reason"
          value={values.reason}
          maxLength={200}
          placeholder="e.g. Paused while the provider is degraded."
          onChange={(event) => setValues((v) => ({ ...v, reason: event.target.value }))}
        />
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          className="size-4"
          checked={values.enabled}
          onChange={(event) => setValues((v) => ({ ...v, enabled: event.target.checked }))}
        />
        Calls allowed (unchecked = kill switch on: calls are refused with 403)
      </label>
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : editing ? 'Save flag' : 'Create flag'}
        </Button>
        {editing ? (
          <Button type="button" variant="ghost" onClick={onDone}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}

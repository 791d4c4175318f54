'use client';

import { useId, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { parseCredits } from '@/lib/credits/format';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { apiKeyInput, keyErrorMessage, saveKey } from './provider-keys-api';

/** What the form read, or the sentence that says what to fix. */
type Parsed =
  | { ok: true; apiKey: string; limit: bigint | null; expiresAt: Date | null }
  | { ok: false; error: string };

function parseForm(apiKey: string, limit: string, expires: string): Parsed {
  const key = apiKeyInput.safeParse(apiKey);
  if (!key.success) return { ok: false, error: key.error.issues[0]?.message ?? 'Check the key.' };
  let micro: bigint | null = null;
  if (limit.trim() !== '') {
    try {
      // Micro-USD share the six-decimal scale of micro-credits.
      micro = parseCredits(limit.replace(/^\s*\$/, ''));
    } catch {
      return { ok: false, error: 'Enter the monthly limit in dollars, like 25 or 12.50.' };
    }
    if (micro <= 0n) return { ok: false, error: 'The monthly limit must be more than $0.' };
  }
  let expiresAt: Date | null = null;
  if (expires !== '') {
    // The key works through the whole chosen day, in the reader's time zone.
    expiresAt = new Date(`${expires}T23:59:59`);
    if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now()) {
      return { ok: false, error: 'Choose an expiry date after today, or leave it empty.' };
    }
  }
  return { ok: true, apiKey: key.data, limit: micro, expiresAt };
}

/** Adds or replaces a key: sent once, never shown again; limit and expiry are optional. */
export function ProviderKeyForm({
  orgId,
  providers,
  providerLabel,
  onSaved,
}: {
  orgId: string | null;
  providers: readonly string[];
  providerLabel: (provider: string) => string;
  onSaved: () => void;
}) {
  const id = useId();
  const [provider, setProvider] = useState(providers[0] ?? '');
  const [apiKey, setApiKey] = useState('');
  const [limit, setLimit] = useState('');
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: saveKey,
    onSuccess: (key) => {
      setApiKey('');
      setLimit('');
      setExpires('');
      setSaved(`${providerLabel(key.provider)} key ending in ${key.hint} saved.`);
      onSaved();
    },
    onError: (cause) => setError(keyErrorMessage(cause)),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setSaved(null);
    const parsed = parseForm(apiKey, limit, expires);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    save.mutate({
      provider,
      apiKey: parsed.apiKey,
      orgId,
      monthlyLimitMicroUsd: parsed.limit,
      expiresAt: parsed.expiresAt,
    });
  }

  const errorId = `${id}-error`;
  const described = error ? errorId : undefined;
  return (
    <form onSubmit={submit} className="flex max-w-xl flex-col gap-4" noValidate>
      {error ? (
        <Alert variant="destructive" id={errorId}>
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      {saved ? (
        <Alert variant="success" role="status">
          <AlertDescription>
            {saved} It is stored encrypted and will not be shown again.
          </AlertDescription>
        </Alert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-[10rem_1fr]">
        <div className="flex flex-col gap-2">
          <Label htmlFor={`${id}-provider`}>Provider</Label>
          <Select
            id={`${id}-provider`}
            value={provider}
            onChange={(event) => setProvider(event.target.value)}
          >
            {providers.map((name) => (
              <option key={name} value={name}>
                {providerLabel(name)}
              </option>
            ))}
          </Select>
        </div>
        <div className="flex flex-col gap-2">
          <Label htmlFor={`${id}-key`}>API key</Label>
          <Input
            id={`${id}-key`}
            type="password"
            value={apiKey}
            onChange={(event) => setApiKey(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            required
            aria-invalid={error ? true : undefined}
            aria-describedby={described}
          />
        </div>
        <div className="flex flex-col gap-2">
          <Label htmlFor={`${id}-limit`}>Monthly limit (USD)</Label>
          <Input
            id={`${id}-limit`}
            inputMode="decimal"
            placeholder="No limit"
            value={limit}
            onChange={(event) => setLimit(event.target.value)}
            aria-describedby={described}
          />
        </div>
        <div className="flex flex-col gap-2">
          <Label htmlFor={`${id}-expires`}>Expires on</Label>
          <Input
            id={`${id}-expires`}
            type="date"
            value={expires}
            onChange={(event) => setExpires(event.target.value)}
            aria-describedby={described}
          />
        </div>
      </div>
      <p className="text-muted-foreground text-xs">
        Saving replaces any key already stored for that provider. Once a key expires or carries its
        monthly limit in provider cost, calls use platform credits again.
      </p>
      <div>
        <Button type="submit" disabled={save.isPending}>
          <KeyRound aria-hidden="true" />
          {save.isPending ? 'Saving…' : 'Save key'}
        </Button>
      </div>
    </form>
  );
}

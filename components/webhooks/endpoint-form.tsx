'use client';

import { useId, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Check, Copy, Plus } from 'lucide-react';
import { WEBHOOK_EVENT_TYPES } from '@/lib/webhooks/events';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { createEndpoint, webhookErrorMessage } from './api';

/** Adds an endpoint; its signing secret is shown here once, with a copy button. */
export function EndpointForm({
  orgId,
  onCreated,
}: {
  orgId: string | null;
  onCreated: () => void;
}) {
  const id = useId();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [all, setAll] = useState(true);
  const [types, setTypes] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ value: string; url: string } | null>(null);
  const [copied, setCopied] = useState(false);

  const create = useMutation({
    mutationFn: createEndpoint,
    onSuccess: ({ endpoint, secret: value }) => {
      setSecret({ value, url: endpoint.url });
      setCopied(false);
      setUrl('');
      setDescription('');
      onCreated();
    },
    onError: (cause) => setError(webhookErrorMessage(cause)),
  });

  function toggle(type: string, checked: boolean) {
    setTypes((current) => (checked ? [...current, type] : current.filter((t) => t !== type)));
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setSecret(null);
    if (!url.trim()) return setError('Enter the URL Tollgate should send events to.');
    const eventTypes = all ? ['*'] : types;
    if (eventTypes.length === 0) return setError('Choose at least one event type.');
    create.mutate({ url: url.trim(), description: description.trim(), eventTypes, orgId });
  }

  async function copy() {
    if (!secret) return;
    await navigator.clipboard.writeText(secret.value).catch(() => undefined);
    setCopied(true);
  }

  const errorId = `${id}-error`;
  return (
    <div className="flex flex-col gap-4">
      {secret ? (
        <Alert variant="success" role="status">
          <AlertTitle>Endpoint added: copy its signing secret now</AlertTitle>
          <AlertDescription className="flex flex-col gap-2">
            <span>
              Use it to verify the <code>Tollgate-Signature</code> header of requests to{' '}
              <span className="break-all">{secret.url}</span>. It will not be shown again.
            </span>
            <span className="flex flex-wrap items-center gap-2">
              <code
                className="bg-background rounded border px-2 py-1 font-mono text-xs break-all"
                data-testid="webhook-secret"
              >
                {secret.value}
              </code>
              <Button type="button" size="sm" variant="outline" onClick={() => void copy()}>
                {copied ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
                {copied ? 'Copied' : 'Copy secret'}
              </Button>
            </span>
          </AlertDescription>
        </Alert>
      ) : null}
      <form
        onSubmit={submit}
        className="flex max-w-2xl flex-col gap-4"
        noValidate
        aria-label="Add a webhook endpoint"
      >
        {error ? (
          <Alert variant="destructive" id={errorId}>
            <AlertDescription>{error}</AlertDescription>
          </Alert>
        ) : null}
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="flex flex-col gap-2">
            <Label htmlFor={`${id}-url`}>Endpoint URL</Label>
            <Input
              id={`${id}-url`}
              type="url"
              inputMode="url"
              placeholder="https://example.com/webhooks/tollgate"
              value={url}
              onChange={(event) => setUrl(event.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : `${id}-url-hint`}
              required
            />
            <p id={`${id}-url-hint`} className="text-muted-foreground text-xs">
              HTTPS only (http://localhost works while developing).
            </p>
          </div>
          <div className="flex flex-col gap-2">
            <Label htmlFor={`${id}-description`}>Description (optional)</Label>
            <Input
              id={`${id}-description`}
              maxLength={200}
              value={description}
              onChange={(event) => setDescription(event.target.value)}
            />
          </div>
        </div>
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-2 text-sm font-medium">Events to send</legend>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={all}
              onChange={(event) => setAll(event.target.checked)}
            />
            All events, including types added later
          </label>
          {!all ? (
            <div className="grid gap-1 sm:grid-cols-2 lg:grid-cols-3">
              {WEBHOOK_EVENT_TYPES.map((type) => (
                <label key={type} className="flex items-center gap-2 font-mono text-xs">
                  <input
                    type="checkbox"
                    checked={types.includes(type)}
                    onChange={(event) => toggle(type, event.target.checked)}
                  />
                  {type}
                </label>
              ))}
            </div>
          ) : null}
        </fieldset>
        <div>
          <Button type="submit" disabled={create.isPending}>
            <Plus aria-hidden="true" />
            {create.isPending ? 'Adding…' : 'Add endpoint'}
          </Button>
        </div>
      </form>
    </div>
  );
}

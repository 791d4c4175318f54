'use client';

import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ListChecks } from 'lucide-react';
import { formatCredits } from '@/lib/credits/format';
import { invalidateCredits } from '@/components/credits/queries';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { RefusalNotice, creditsHref, isRefusal } from './refusal-notice';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { ApiError } from '@/lib/api/client';
import { BATCH_FEATURES, batchApi, batchKeys, itemsFromText } from './batch-api';
import type { ModelOption } from './model-options';
import { ModelPicker } from './model-picker';
import { useModelOptions } from './use-model-options';
import { WalletPicker } from './wallet-picker';

const MAX_ITEMS = 1000;

/** Submit a batch: one item per line (or a CSV file, one row per item), reserved up front. */
export function BatchForm({
  initialModels,
  initialModel,
  orgs,
  orgId,
  onOrgChange,
  onSubmitted,
}: {
  /** The models of the wallet the page started on ('' personal, else an org id). */
  initialModels: { orgId: string; models: ModelOption[] };
  initialModel: string;
  orgs: { id: string; name: string; slug?: string }[];
  orgId: string;
  onOrgChange: (orgId: string) => void;
  onSubmitted: (batchId: string) => void;
}) {
  const queryClient = useQueryClient();
  const [chosenModel, setModel] = useState(initialModel);
  const {
    models,
    model,
    loading: modelsLoading,
    error: modelsError,
  } = useModelOptions({
    orgId,
    capability: 'completion',
    initial: initialModels,
    chosen: chosenModel,
  });
  const [feature, setFeature] = useState<string>('lead_generation');
  const [text, setText] = useState('');
  const [csv, setCsv] = useState(false);
  const items = itemsFromText(text, csv);
  const tooMany = items.length > MAX_ITEMS;

  const submit = useMutation({
    mutationFn: () =>
      batchApi.submit({ model, feature, orgId: orgId || null, items, maxOutputTokens: 800 }),
    onSuccess: (batch) => {
      setText('');
      onSubmitted(batch.id);
      void queryClient.invalidateQueries({ queryKey: batchKeys.list(orgId || null) });
    },
    onSettled: () => void invalidateCredits(queryClient),
  });

  async function loadFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    setText(await file.text());
    setCsv(file.name.toLowerCase().endsWith('.csv'));
    event.target.value = '';
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (items.length === 0 || tooMany || !model || modelsLoading || submit.isPending) return;
    submit.mutate();
  }

  const problem = submit.error instanceof ApiError ? submit.error : null;
  const needed = problem?.problem.needed;
  const available = problem?.problem.available;

  return (
    <Card className="min-w-0">
      <CardHeader>
        <CardTitle as="h2">New batch</CardTitle>
        <CardDescription>
          Up to 1,000 requests at once. Every item&apos;s worst case is reserved now; each is then
          charged by what the model really used, and the rest is released.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
          <div className="grid min-w-0 gap-4 sm:grid-cols-2">
            <div className="flex min-w-0 flex-col gap-1.5">
              <Label htmlFor="batch-feature">Feature</Label>
              <Select
                id="batch-feature"
                value={feature}
                disabled={submit.isPending}
                onChange={(event) => setFeature(event.target.value)}
              >
                {BATCH_FEATURES.map((option) => (
                  <option key={option.key} value={option.key}>
                    {option.label}
                  </option>
                ))}
              </Select>
            </div>
            <ModelPicker
              models={models}
              value={model}
              onChange={setModel}
              disabled={submit.isPending || modelsLoading}
              error={modelsError}
            />
            <WalletPicker
              orgs={orgs}
              value={orgId}
              onChange={onOrgChange}
              disabled={submit.isPending}
            />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="batch-items">Items, one per line</Label>
            <textarea
              id="batch-items"
              value={text}
              onChange={(event) => {
                setText(event.target.value);
                setCsv(false);
              }}
              rows={8}
              placeholder={
                'B2B bookkeeping software for dental clinics in Ohio\nOn-site coffee catering for tech offices in Berlin'
              }
              aria-describedby="batch-items-hint"
              className="border-input bg-background focus-visible:border-ring focus-visible:outline-ring min-h-32 w-full rounded-md border px-3 py-2 font-mono text-sm shadow-xs focus-visible:outline-2 focus-visible:outline-offset-1"
            />
            <div className="flex flex-wrap items-center justify-between gap-2 text-xs">
              <p
                id="batch-items-hint"
                className={tooMany ? 'text-destructive' : 'text-muted-foreground'}
              >
                {items.length.toLocaleString('en-US')} of {MAX_ITEMS.toLocaleString('en-US')} items
                {csv ? ' (from CSV: one row per item)' : ''}. E-mail addresses and card numbers are
                removed from what is stored.
              </p>
              <label className="text-primary cursor-pointer font-medium underline-offset-4 hover:underline">
                Load a CSV or text file
                <input
                  type="file"
                  accept=".csv,.txt,text/csv,text/plain"
                  className="sr-only"
                  onChange={(event) => void loadFile(event)}
                />
              </label>
            </div>
          </div>
          <div>
            <Button
              type="submit"
              disabled={
                items.length === 0 || tooMany || !model || modelsLoading || submit.isPending
              }
            >
              <ListChecks aria-hidden="true" />
              {submit.isPending
                ? 'Reserving…'
                : `Run ${items.length > 0 ? items.length.toLocaleString('en-US') : ''} item${items.length === 1 ? '' : 's'}`}
            </Button>
          </div>
          {problem && isRefusal({ code: problem.problem.code }) ? (
            <RefusalNotice
              refusal={{ ...problem.problem, code: String(problem.problem.code) }}
              creditsHref={creditsHref(orgs, orgId)}
            />
          ) : submit.isError ? (
            <Alert variant="destructive" role="alert">
              <AlertTitle>The batch was not started</AlertTitle>
              <AlertDescription>
                {typeof needed === 'string' && typeof available === 'string'
                  ? `This batch needs up to ${formatCredits(needed)} credits; ${formatCredits(available)} are available. Nothing was reserved.`
                  : submit.error.message}
              </AlertDescription>
            </Alert>
          ) : null}
        </form>
      </CardContent>
    </Card>
  );
}

'use client';

import { useMemo, useState, useTransition, type ChangeEvent, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { toast } from '@/components/ui/toast';
import { invalidateCredits } from '@/components/credits/queries';
import { formatCredits } from '@/lib/credits/format';
import { batchGrantAction, type BatchActionResult } from './batch-actions';
import { previewBatchCsv } from './batch-preview';
import { BatchPreviewTable, BatchResultTable } from './batch-tables';

const EXAMPLE =
  'email,org,credits,expires_at,key\npro@tollgate.dev,,25,,\n,acme-ai,100,2027-01-31,';

/**
 * Upload or paste a CSV, check every row before sending, then grant all rows or none. The same
 * CSV and reason sent twice grant once: the batch's content is its idempotency key.
 */
export function BatchGrant() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [csv, setCsv] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  // The row the server refused (an unknown email, a wallet without enough credits), if any.
  const [refused, setRefused] = useState<{ row: number; message: string } | null>(null);
  const [result, setResult] = useState<BatchActionResult | null>(null);
  const [pending, startTransition] = useTransition();
  const preview = useMemo(() => previewBatchCsv(csv), [csv]);
  const ready = preview.rows.length > 0 && preview.errorCount === 0;
  const refusedOnly = refused !== null && preview.rows[refused.row - 1]?.errors.length === 0;
  const errorCount = preview.errorCount + (refusedOnly ? 1 : 0);

  async function loadFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    if (file.size > 1_000_000) {
      setError('The file is larger than 1 MB.');
      return;
    }
    setCsv(await file.text());
    setResult(null);
    setRefused(null);
    setError(null);
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    if (reason.trim().length < 3) {
      setError('Give a reason (at least 3 characters).');
      return;
    }
    if (!ready) {
      setError('Fix the rows marked in the preview first.');
      return;
    }
    startTransition(async () => {
      const outcome = await batchGrantAction({ reason, csv });
      if (!outcome.ok) {
        setError(outcome.error.detail);
        const row = outcome.error.row;
        if (typeof row === 'number' && row > 0) {
          setRefused({ row, message: outcome.error.detail.replace(/^Row \d+: /, '') });
        }
        return;
      }
      setResult(outcome.data);
      const fresh = outcome.data.rows.filter((row) => !row.replayed).length;
      toast({
        title:
          fresh === 0
            ? 'This batch was already applied: nothing changed'
            : `Batch applied to ${fresh} wallet${fresh === 1 ? '' : 's'}`,
        variant: fresh === 0 ? 'warning' : 'success',
      });
      void invalidateCredits(queryClient);
      router.refresh();
    });
  }

  const describedBy = error ? 'batch-error batch-help' : 'batch-help';
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-label="Batch grant">
      <p id="batch-help" className="text-muted-foreground text-sm">
        Columns: <code>email</code> or <code>org</code> (or <code>wallet</code>),{' '}
        <code>credits</code> (negative takes credits back, never below zero), optional{' '}
        <code>expires_at</code> and <code>key</code>. All rows are applied or none.
      </p>
      {error ? (
        <Alert variant="destructive" id="batch-error">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="flex flex-col gap-2">
          <Label htmlFor="batch-file">CSV file</Label>
          <Input
            id="batch-file"
            type="file"
            accept=".csv,text/csv"
            onChange={loadFile}
            aria-describedby="batch-help"
          />
        </div>
        <div className="flex flex-col gap-2">
          <Label htmlFor="batch-reason">Reason (required, kept with every grant)</Label>
          <Input
            id="batch-reason"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            maxLength={500}
            required
            placeholder="e.g. Beta cohort credits, December"
            aria-describedby={describedBy}
          />
        </div>
      </div>
      <div className="flex flex-col gap-2">
        <Label htmlFor="batch-csv">Or paste CSV</Label>
        <textarea
          id="batch-csv"
          value={csv}
          onChange={(event) => {
            setCsv(event.target.value);
            setResult(null);
            setRefused(null);
          }}
          rows={6}
          spellCheck={false}
          placeholder={EXAMPLE}
          aria-describedby={describedBy}
          className="border-input bg-background focus-visible:border-ring focus-visible:outline-ring min-h-28 w-full rounded-md border px-3 py-2 font-mono text-sm shadow-xs focus-visible:outline-2 focus-visible:outline-offset-1"
        />
      </div>
      {preview.fileErrors.length > 0 ? (
        <Alert variant="destructive" data-testid="batch-file-errors">
          <AlertDescription>{preview.fileErrors.join(' ')}</AlertDescription>
        </Alert>
      ) : null}
      {preview.rows.length > 0 && !result ? (
        <section aria-labelledby="batch-preview-title" className="flex flex-col gap-2">
          <h3 id="batch-preview-title" className="text-sm font-semibold" aria-live="polite">
            Preview: {preview.rows.length} row{preview.rows.length === 1 ? '' : 's'}
            {errorCount > 0 ? `, ${errorCount} with errors` : ', all valid'} · grants{' '}
            {formatCredits(preview.grant)} credits
            {preview.adjust > 0n ? ` · takes back ${formatCredits(preview.adjust)}` : ''}
          </h3>
          <BatchPreviewTable rows={preview.rows} refused={refused} />
        </section>
      ) : null}
      {result ? <BatchResultTable result={result} /> : null}
      <div className="flex gap-2">
        <Button type="submit" disabled={pending || !ready}>
          {pending ? 'Applying…' : `Apply batch (${preview.rows.length} rows)`}
        </Button>
        {result ? (
          <Button
            type="button"
            variant="ghost"
            onClick={() => {
              setCsv('');
              setResult(null);
            }}
          >
            New batch
          </Button>
        ) : null}
      </div>
    </form>
  );
}

'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { LocalDate } from '@/components/credits/local-date';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { toast } from '@/components/ui/toast';
import { setModelPriceAction } from './actions';
import type { CatalogModelView, PriceVersionView } from './catalog-view';
import { priceForm, type PriceFormValues } from './price-form-schema';

const fields: { name: Exclude<keyof PriceFormValues, 'effectiveFrom'>; label: string }[] = [
  { name: 'input', label: 'Input, $ per 1M tokens' },
  { name: 'cachedInput', label: 'Cached input, $ per 1M tokens' },
  { name: 'output', label: 'Output, $ per 1M tokens' },
  { name: 'perImage', label: '$ per image' },
  { name: 'perAudioSecond', label: '$ per audio second' },
];

const statusBadge = {
  current: { label: 'In force', variant: 'success' },
  scheduled: { label: 'Scheduled', variant: 'info' },
  previous: { label: 'Previous', variant: 'outline' },
} as const;

function initialValues(current: PriceVersionView | undefined): PriceFormValues {
  return {
    input: current?.input ?? '',
    cachedInput: current?.cachedInput ?? '',
    output: current?.output ?? '',
    perImage: current?.perImage ?? '0',
    perAudioSecond: current?.perAudioSecond ?? '0',
    effectiveFrom: '',
  };
}

/** Price history of a model and a form for its next price version (never back-dated). */
export function PriceDialog({ model }: { model: CatalogModelView }) {
  const router = useRouter();
  const current = model.prices.find((price) => price.status === 'current');
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState(() => initialValues(current));
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const formId = `price-${model.id}`;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const parsed = priceForm.safeParse(values);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Check the form.');
      return;
    }
    const p = parsed.data;
    startTransition(async () => {
      const result = await setModelPriceAction({
        modelId: model.id,
        inputPerMtok: p.input,
        cachedInputPerMtok: p.cachedInput,
        outputPerMtok: p.output,
        perImage: p.perImage,
        perAudioSecond: p.perAudioSecond,
        effectiveFrom: p.effectiveFrom,
      });
      if (!result.ok) {
        setError(result.error.detail);
        return;
      }
      toast({ title: `New price for ${model.displayName} saved`, variant: 'success' });
      setOpen(false);
      router.refresh();
    });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) {
          setValues(initialValues(current));
          setError(null);
        }
      }}
    >
      <DialogTrigger asChild>
        <Button size="sm" variant="outline" aria-label={`Prices of ${model.displayName}`}>
          Prices
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>{model.displayName} prices</DialogTitle>
          <DialogDescription>
            A new price is a new version: usage before it keeps the price it was charged at.
          </DialogDescription>
        </DialogHeader>
        <form id={formId} onSubmit={submit} noValidate className="flex flex-col gap-4">
          {error ? (
            <Alert variant="destructive" id={`${formId}-error`}>
              <AlertDescription>{error}</AlertDescription>
            </Alert>
          ) : null}
          <div className="grid gap-3 sm:grid-cols-2">
            {fields.map((field) => (
              <div key={field.name} className="flex flex-col gap-1.5">
                <Label htmlFor={`${formId}-${field.name}`}>{field.label}</Label>
                <Input
                  id={`${formId}-${field.name}`}
                  value={values[field.name]}
                  inputMode="decimal"
                  onChange={(event) =>
                    setValues((v) => ({ ...v, [field.name]: event.target.value }))
                  }
                  aria-describedby={error ? `${formId}-error` : undefined}
                />
              </div>
            ))}
            <div className="flex flex-col gap-1.5">
              <Label htmlFor={`${formId}-effective`}>Effective from (empty = now)</Label>
              <Input
                id={`${formId}-effective`}
                type="datetime-local"
                value={values.effectiveFrom}
                onChange={(event) =>
                  setValues((v) => ({ ...v, effectiveFrom: event.target.value }))
                }
              />
            </div>
          </div>
        </form>
        <section aria-labelledby={`${formId}-history`} className="flex flex-col gap-2">
          <h3 id={`${formId}-history`} className="text-sm font-semibold">
            Price history
          </h3>
          <div className="max-h-56 overflow-auto rounded-md border">
            <table className="w-full text-sm" data-testid="price-history">
              <thead className="bg-muted/50 text-muted-foreground text-left text-xs">
                <tr>
                  <th className="px-2 py-1.5 font-medium">From</th>
                  <th className="px-2 py-1.5 text-right font-medium">Input</th>
                  <th className="px-2 py-1.5 text-right font-medium">Cached</th>
                  <th className="px-2 py-1.5 text-right font-medium">Output</th>
                  <th className="px-2 py-1.5 font-medium">Status</th>
                </tr>
              </thead>
              <tbody>
                {model.prices.map((price) => (
                  <tr key={price.id} className="border-t">
                    <td className="px-2 py-1.5 whitespace-nowrap">
                      <LocalDate value={new Date(price.effectiveFrom)} />
                    </td>
                    <td className="px-2 py-1.5 text-right tabular-nums">${price.input}</td>
                    <td className="px-2 py-1.5 text-right tabular-nums">${price.cachedInput}</td>
                    <td className="px-2 py-1.5 text-right tabular-nums">${price.output}</td>
                    <td className="px-2 py-1.5">
                      <Badge variant={statusBadge[price.status].variant}>
                        {statusBadge[price.status].label}
                      </Badge>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <DialogFooter>
          <Button type="submit" form={formId} disabled={pending}>
            {pending ? 'Saving…' : 'Save new price'}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

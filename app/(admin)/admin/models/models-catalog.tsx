'use client';

import { useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';
import { toast } from '@/components/ui/toast';
import { setModelActiveAction } from './actions';
import type { CatalogModelView } from './catalog-view';
import { PriceDialog } from './price-dialog';

function ActiveToggle({ model }: { model: CatalogModelView }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <Button
      size="sm"
      variant={model.isActive ? 'ghost' : 'outline'}
      disabled={pending}
      aria-label={`${model.isActive ? 'Disable' : 'Enable'} ${model.displayName}`}
      onClick={() =>
        startTransition(async () => {
          const result = await setModelActiveAction({
            modelId: model.id,
            active: !model.isActive,
          });
          if (!result.ok) {
            toast({ title: result.error.detail, variant: 'destructive' });
            return;
          }
          toast({
            title: `${model.displayName} ${result.data.active ? 'enabled' : 'disabled'}`,
            variant: 'success',
          });
          router.refresh();
        })
      }
    >
      {model.isActive ? 'Disable' : 'Enable'}
    </Button>
  );
}

/**
 * The price in force in the units the model is sold by: per 1M tokens for text models, per
 * image for image models, per minute for audio (the catalog stores per second).
 */
function UnitPrices({ model }: { model: CatalogModelView }) {
  const current = model.prices.find((price) => price.status === 'current');
  if (!current) return <span className="text-muted-foreground">No price</span>;
  const lines: string[] = [];
  if (current.perImage !== '0.00') lines.push(`$${current.perImage} / image`);
  if (current.perAudioMinute !== '0.00') lines.push(`$${current.perAudioMinute} / minute`);
  const tokens = current.input !== '0.00' || current.output !== '0.00';
  if (tokens || lines.length === 0) {
    lines.unshift(
      `$${current.input} in · $${current.cachedInput} cached · $${current.output} out / 1M tokens`,
    );
  }
  return (
    <span className="flex flex-col gap-0.5 tabular-nums" data-testid="model-price">
      {lines.map((line) => (
        <span key={line}>{line}</span>
      ))}
    </span>
  );
}

/** Every model of the catalog with the price in force, its status and its editors. */
export function ModelsCatalog({ models }: { models: CatalogModelView[] }) {
  return (
    <Table stack data-testid="admin-models-catalog">
      <TableHeader>
        <TableRow>
          <TableHead>Model</TableHead>
          <TableHead>Price</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {models.map((model) => {
          const scheduled = model.prices.some((price) => price.status === 'scheduled');
          return (
            <TableRow key={model.id} data-model={model.id}>
              <TableCell>
                <span className="font-medium">{model.displayName}</span>{' '}
                <span className="text-muted-foreground text-xs">
                  {model.provider} · {model.id}
                </span>
              </TableCell>
              <TableCell data-label="Price">
                <UnitPrices model={model} />
              </TableCell>
              <TableCell data-label="Status">
                <div className="flex flex-wrap gap-1">
                  <Badge variant={model.isActive ? 'success' : 'outline'}>
                    {model.isActive ? 'Enabled' : 'Disabled'}
                  </Badge>
                  {scheduled ? <Badge variant="info">New price scheduled</Badge> : null}
                </div>
              </TableCell>
              <TableCell>
                <div className="flex flex-wrap justify-end gap-2">
                  <PriceDialog model={model} />
                  <ActiveToggle model={model} />
                </div>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

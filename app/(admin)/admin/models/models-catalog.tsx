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

/** Every model of the catalog with the price in force, its status and its editors. */
export function ModelsCatalog({ models }: { models: CatalogModelView[] }) {
  return (
    <div className="overflow-x-auto">
      <Table data-testid="admin-models-catalog">
        <TableHeader>
          <TableRow>
            <TableHead>Model</TableHead>
            <TableHead className="text-right">Input / 1M</TableHead>
            <TableHead className="text-right">Cached / 1M</TableHead>
            <TableHead className="text-right">Output / 1M</TableHead>
            <TableHead>Status</TableHead>
            <TableHead>
              <span className="sr-only">Actions</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {models.map((model) => {
            const current = model.prices.find((price) => price.status === 'current');
            const scheduled = model.prices.some((price) => price.status === 'scheduled');
            return (
              <TableRow key={model.id} data-model={model.id}>
                <TableCell>
                  <span className="font-medium">{model.displayName}</span>{' '}
                  <span className="text-muted-foreground text-xs">
                    {model.provider} · {model.id}
                  </span>
                </TableCell>
                <TableCell className="text-right tabular-nums">
                  {current ? `$${current.input}` : '—'}
                </TableCell>
                <TableCell className="text-right tabular-nums">
                  {current ? `$${current.cachedInput}` : '—'}
                </TableCell>
                <TableCell className="text-right tabular-nums">
                  {current ? `$${current.output}` : '—'}
                </TableCell>
                <TableCell>
                  <div className="flex flex-wrap gap-1">
                    <Badge variant={model.isActive ? 'success' : 'outline'}>
                      {model.isActive ? 'Enabled' : 'Disabled'}
                    </Badge>
                    {scheduled ? <Badge variant="info">New price scheduled</Badge> : null}
                  </div>
                </TableCell>
                <TableCell>
                  <div className="flex justify-end gap-2">
                    <PriceDialog model={model} />
                    <ActiveToggle model={model} />
                  </div>
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}

'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { toast } from '@/components/ui/toast';
import { saveOrgModelsAction } from './actions';

/** Ticks for the models members may use; read-only for members. */
export function OrgModelsForm({
  orgId,
  manager,
  models,
  allowed,
}: {
  orgId: string;
  manager: boolean;
  models: { id: string; name: string }[];
  allowed: string[];
}) {
  const router = useRouter();
  const [chosen, setChosen] = useState(new Set(allowed));
  const [pending, startTransition] = useTransition();

  function save() {
    startTransition(async () => {
      const result = await saveOrgModelsAction({ orgId, models: [...chosen] });
      if (!result.ok) toast({ title: result.error.detail, variant: 'destructive' });
      else
        toast({
          title: chosen.size
            ? `Members limited to ${chosen.size} models`
            : 'Members may use every model',
          variant: 'success',
        });
      router.refresh();
    });
  }

  return (
    <Card>
      <CardContent className="flex flex-col gap-4 pt-6">
        <fieldset className="grid gap-2 sm:grid-cols-2" disabled={!manager || pending}>
          <legend className="sr-only">Models members may use</legend>
          {models.map((model) => (
            <label key={model.id} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="size-4 shrink-0"
                checked={chosen.size === 0 ? !manager : chosen.has(model.id)}
                onChange={(event) =>
                  setChosen((current) => {
                    const next = new Set(current);
                    if (event.target.checked) next.add(model.id);
                    else next.delete(model.id);
                    return next;
                  })
                }
              />
              <span className="break-all">{model.name}</span>
            </label>
          ))}
        </fieldset>
        {manager ? (
          <Button className="self-start" disabled={pending} onClick={save}>
            {pending ? 'Saving…' : 'Save models'}
          </Button>
        ) : null}
      </CardContent>
    </Card>
  );
}

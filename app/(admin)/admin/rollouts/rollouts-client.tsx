'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { toast } from '@/components/ui/toast';
import { deleteRolloutAction } from './actions';
import { emptyRollout, RolloutForm } from './rollout-form';
import type { Flag, FlagTargets } from './rollout-types';

interface FlagView extends Flag {
  updatedAt: string;
  updatedBy: string | null;
}

/** A rule's value as people read it: the email, org name or plan rather than an id. */
function valueLabel(targets: FlagTargets, rule: Flag['rules'][number]): string {
  if (rule.rule === 'user')
    return targets.users.find((u) => u.id === rule.value)?.email ?? rule.value;
  if (rule.rule === 'org') return targets.orgs.find((o) => o.id === rule.value)?.name ?? rule.value;
  return rule.value;
}

/** The flags with their rules, and the form for a new one or the one being edited. */
export function RolloutsClient({ flags, targets }: { flags: FlagView[]; targets: FlagTargets }) {
  const router = useRouter();
  const [editing, setEditing] = useState<FlagView | null>(null);
  const [round, setRound] = useState(0);
  const [pending, startTransition] = useTransition();

  function remove(flag: FlagView) {
    startTransition(async () => {
      const result = await deleteRolloutAction({ kind: flag.kind, target: flag.target });
      if (!result.ok) toast({ title: result.error.detail, variant: 'destructive' });
      else toast({ title: `Flag ${flag.kind} ${flag.target} deleted`, variant: 'success' });
      router.refresh();
    });
  }

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle as="h2">Feature flags</CardTitle>
          <CardDescription>Anything without a flag is on for everyone.</CardDescription>
        </CardHeader>
        <CardContent>
          {flags.length === 0 ? (
            <p className="text-muted-foreground text-sm">No flags yet.</p>
          ) : (
            <ul className="flex flex-col divide-y" aria-label="Flags">
              {flags.map((flag) => (
                <li key={`${flag.kind}:${flag.target}`} className="flex flex-col gap-2 py-3">
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge variant="secondary">{flag.kind}</Badge>
                    <span className="font-medium break-all">{flag.target}</span>
                    <span className="text-muted-foreground text-xs">
                      {flag.defaultEnabled ? 'on' : 'off'} for everyone else
                      {flag.rolloutPercent > 0 ? ` · ${flag.rolloutPercent} % of users` : ''}
                    </span>
                  </div>
                  {flag.description ? (
                    <p className="text-muted-foreground text-sm">{flag.description}</p>
                  ) : null}
                  {flag.rules.length > 0 ? (
                    <ul className="flex flex-wrap gap-1 text-xs">
                      {flag.rules.map((rule) => (
                        <li
                          key={`${rule.rule}:${rule.value}`}
                          className="bg-muted rounded px-2 py-0.5 break-all"
                        >
                          {rule.rule} {valueLabel(targets, rule)}: {rule.enabled ? 'on' : 'off'}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                  <div className="flex gap-2">
                    <Button
                      size="sm"
                      variant="outline"
                      aria-label={`Edit flag ${flag.kind} ${flag.target}`}
                      onClick={() => {
                        setEditing(flag);
                        setRound((r) => r + 1);
                      }}
                    >
                      Edit
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      disabled={pending}
                      aria-label={`Delete flag ${flag.kind} ${flag.target}`}
                      onClick={() => remove(flag)}
                    >
                      Delete
                    </Button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle as="h2">
            {editing ? `Edit ${editing.kind} ${editing.target}` : 'New flag'}
          </CardTitle>
          <CardDescription>
            Targets come from the catalog, plans, orgs and users that exist.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <RolloutForm
            key={round}
            initial={editing ?? emptyRollout}
            editing={editing !== null}
            targets={targets}
            onDone={() => {
              setEditing(null);
              setRound((r) => r + 1);
            }}
          />
        </CardContent>
      </Card>
    </div>
  );
}

'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { LocalDate } from '@/components/credits/local-date';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from '@/components/ui/dialog';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';
import { toast } from '@/components/ui/toast';
import { deleteFlagAction, saveFlagAction } from './actions';
import { emptyFlag, FlagForm, type FlagSuggestions, type FlagValues } from './flag-form';

interface FlagView extends FlagValues {
  updatedAt: string;
  updatedBy: string | null;
}

function DeleteFlag({ flag }: { flag: FlagView }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button size="sm" variant="ghost" aria-label={`Delete flag ${flag.scope} ${flag.key}`}>
          Delete
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>
            Delete the {flag.scope} flag “{flag.key}”?
          </DialogTitle>
          <DialogDescription>
            Without a flag, AI calls for this {flag.scope} are allowed.
          </DialogDescription>
        </DialogHeader>
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="ghost">Keep it</Button>
          </DialogClose>
          <Button
            variant="destructive"
            disabled={pending}
            onClick={() =>
              startTransition(async () => {
                const result = await deleteFlagAction({ scope: flag.scope, key: flag.key });
                if (!result.ok) toast({ title: result.error.detail, variant: 'destructive' });
                else toast({ title: `Flag ${flag.key} deleted`, variant: 'success' });
                router.refresh();
              })
            }
          >
            Delete flag
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function ToggleFlag({ flag }: { flag: FlagView }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <Button
      size="sm"
      variant="outline"
      disabled={pending}
      aria-label={`${flag.enabled ? 'Block' : 'Allow'} calls for ${flag.scope} ${flag.key}`}
      onClick={() =>
        startTransition(async () => {
          const result = await saveFlagAction({
            scope: flag.scope,
            key: flag.key,
            enabled: !flag.enabled,
            reason: flag.reason || undefined,
          });
          if (!result.ok) toast({ title: result.error.detail, variant: 'destructive' });
          router.refresh();
        })
      }
    >
      {flag.enabled ? 'Block' : 'Allow'}
    </Button>
  );
}

/** The kill switches with their editors, and a form for a new one or the one being edited. */
export function FlagsClient({
  flags,
  suggestions,
}: {
  flags: FlagView[];
  suggestions: FlagSuggestions;
}) {
  const [editing, setEditing] = useState<FlagView | null>(null);
  const [round, setRound] = useState(0);
  return (
    <div className="flex flex-col gap-6">
      <Card>
        <CardHeader>
          <CardTitle as="h2">Kill switches</CardTitle>
          <CardDescription>
            A blocking flag refuses AI calls for its feature, model or plan with a 403 before any
            credits are held.
          </CardDescription>
        </CardHeader>
        <CardContent className="sm:overflow-x-auto">
          {flags.length === 0 ? (
            <p className="text-muted-foreground text-sm">No flags: every AI call is allowed.</p>
          ) : (
            <Table stack data-testid="admin-flags">
              <TableHeader>
                <TableRow>
                  <TableHead>Scope</TableHead>
                  <TableHead>Key</TableHead>
                  <TableHead>State</TableHead>
                  <TableHead>Reason</TableHead>
                  <TableHead className="hidden md:table-cell">Updated</TableHead>
                  <TableHead>
                    <span className="sr-only">Actions</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {flags.map((flag) => (
                  <TableRow
                    key={`${flag.scope}:${flag.key}`}
                    data-flag={`${flag.scope}:${flag.key}`}
                  >
                    <TableCell className="capitalize">{flag.scope}</TableCell>
                    <TableCell data-label="Key" className="font-medium">
                      {flag.key}
                    </TableCell>
                    <TableCell data-label="State">
                      <Badge variant={flag.enabled ? 'success' : 'destructive'}>
                        {flag.enabled ? 'Allowed' : 'Blocked'}
                      </Badge>
                    </TableCell>
                    <TableCell data-label="Reason" className="min-w-40">
                      {flag.reason || '—'}
                    </TableCell>
                    <TableCell
                      data-label="Updated"
                      className="text-muted-foreground hidden text-xs md:table-cell"
                    >
                      <LocalDate value={new Date(flag.updatedAt)} />
                      {flag.updatedBy ? ` · ${flag.updatedBy}` : ''}
                    </TableCell>
                    <TableCell>
                      <div className="flex justify-end gap-1">
                        <ToggleFlag flag={flag} />
                        <Button
                          size="sm"
                          variant="ghost"
                          onClick={() => setEditing(flag)}
                          aria-label={`Edit flag ${flag.scope} ${flag.key}`}
                        >
                          Edit
                        </Button>
                        <DeleteFlag flag={flag} />
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle as="h2">
            {editing ? `Edit ${editing.scope} flag “${editing.key}”` : 'New flag'}
          </CardTitle>
        </CardHeader>
        <CardContent>
          <FlagForm
            key={editing ? `${editing.scope}:${editing.key}` : `new-${round}`}
            initial={editing ?? emptyFlag}
            editing={editing !== null}
            suggestions={suggestions}
            onDone={() => {
              setEditing(null);
              setRound((n) => n + 1);
            }}
          />
        </CardContent>
      </Card>
    </div>
  );
}

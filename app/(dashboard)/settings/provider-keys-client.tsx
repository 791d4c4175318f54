'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Trash2 } from 'lucide-react';
import { formatCredits } from '@/lib/credits/format';
import { LocalDate } from '@/components/credits/local-date';
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
import { ProviderKeyForm } from './provider-key-form';
import {
  deleteKey,
  fetchKeys,
  keyErrorMessage,
  keyQueryKey,
  type StoredKeyView,
} from './provider-keys-api';

interface KeyActivityView {
  provider: string;
  lastUsedAt: Date;
  callsThisMonth: bigint;
  costThisMonthMicroUsd: bigint;
}

const PROVIDER_LABELS: Record<string, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google',
};
const providerLabel = (provider: string) => PROVIDER_LABELS[provider] ?? provider;
/** Micro-USD share formatCredits' six-decimal scale. */
const usd = (micro: bigint) => `$${formatCredits(micro)}`;

/**
 * The provider keys of one scope (the viewer, or an org they own or administer): the last four
 * characters, this month's spend against the limit, expiry, and delete; the form adds keys.
 */
export function ProviderKeys({
  orgId,
  scopeLabel,
  providers,
  initialKeys,
  activity,
  now,
}: {
  orgId: string | null;
  scopeLabel: string;
  providers: readonly string[];
  initialKeys: StoredKeyView[];
  activity: KeyActivityView[];
  /** When the page was rendered, so server and browser agree on what has expired. */
  now: Date;
}) {
  const queryClient = useQueryClient();
  const keys = useQuery({
    queryKey: keyQueryKey(orgId),
    queryFn: ({ signal }) => fetchKeys(orgId, signal),
    initialData: initialKeys,
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: keyQueryKey(orgId) });
  const remove = useMutation({
    mutationFn: (name: string) => deleteKey(name, orgId),
    onSuccess: (_deleted, name) => {
      toast({ title: `${providerLabel(name)} key deleted`, variant: 'success' });
      refresh();
    },
    onError: (cause) => toast({ title: keyErrorMessage(cause), variant: 'destructive' }),
  });

  function confirmDelete(name: string) {
    const question = `Delete the ${providerLabel(name)} key of ${scopeLabel}? Calls will use platform credits again.`;
    if (window.confirm(question)) remove.mutate(name);
  }

  const used = new Map(activity.map((row) => [row.provider, row]));

  return (
    <div className="flex flex-col gap-6" data-testid={`provider-keys-${orgId ?? 'personal'}`}>
      {keys.data.length === 0 ? (
        <p className="text-muted-foreground text-sm">No provider keys for {scopeLabel} yet.</p>
      ) : (
        <div className="sm:overflow-x-auto">
          <Table stack aria-label={`Provider keys of ${scopeLabel}`}>
            <TableHeader>
              <TableRow>
                <TableHead>Provider</TableHead>
                <TableHead>Key</TableHead>
                <TableHead className="hidden sm:table-cell">Last used</TableHead>
                <TableHead className="hidden md:table-cell">This month</TableHead>
                <TableHead className="hidden sm:table-cell">Expires</TableHead>
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {keys.data.map((key) => {
                const activityRow = used.get(key.provider);
                const spent = activityRow?.costThisMonthMicroUsd ?? 0n;
                const limit = key.monthlyLimitMicroUsd ? BigInt(key.monthlyLimitMicroUsd) : null;
                const expired = key.expiresAt !== null && key.expiresAt <= now;
                return (
                  <TableRow key={key.id} data-provider={key.provider}>
                    <TableCell>
                      <span className="font-medium">{providerLabel(key.provider)}</span>
                      {/* Phones show the hidden columns' essentials under the name. */}
                      <span className="text-muted-foreground block text-xs sm:hidden">
                        {limit === null ? 'No limit' : `${usd(spent)} of ${usd(limit)}`}
                        {expired ? ' · expired' : ''}
                      </span>
                    </TableCell>
                    <TableCell data-label="Key" className="font-mono text-xs">
                      ••••{key.hint}
                    </TableCell>
                    <TableCell
                      data-label="Last used"
                      className="hidden whitespace-nowrap sm:table-cell"
                    >
                      {activityRow ? (
                        <LocalDate value={activityRow.lastUsedAt} format="date" />
                      ) : (
                        'Never'
                      )}
                    </TableCell>
                    <TableCell
                      data-label="This month"
                      className="hidden tabular-nums md:table-cell"
                    >
                      <span data-testid="key-monthly-limit">
                        {limit === null
                          ? `${usd(spent)} · no limit`
                          : `${usd(spent)} of ${usd(limit)}`}
                      </span>
                      <span className="text-muted-foreground block text-xs">
                        {(activityRow?.callsThisMonth ?? 0n).toLocaleString('en-US')} calls
                      </span>
                      {limit !== null && spent >= limit ? (
                        <Badge variant="warning">Limit reached</Badge>
                      ) : null}
                    </TableCell>
                    <TableCell
                      data-label="Expires"
                      className="hidden whitespace-nowrap sm:table-cell"
                    >
                      {key.expiresAt ? (
                        <>
                          <LocalDate value={key.expiresAt} format="date" />
                          {expired ? (
                            <Badge variant="destructive" className="ml-2">
                              Expired
                            </Badge>
                          ) : null}
                        </>
                      ) : (
                        'Never'
                      )}
                    </TableCell>
                    <TableCell className="text-right">
                      <Button
                        type="button"
                        variant="ghost"
                        size="sm"
                        disabled={remove.isPending}
                        onClick={() => confirmDelete(key.provider)}
                        aria-label={`Delete ${providerLabel(key.provider)} key`}
                      >
                        <Trash2 aria-hidden="true" />
                        <span className="hidden sm:inline">Delete</span>
                      </Button>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
      )}
      <ProviderKeyForm
        orgId={orgId}
        providers={providers}
        providerLabel={providerLabel}
        onSaved={refresh}
      />
    </div>
  );
}

'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Ban } from 'lucide-react';
import { formatCredits } from '@/lib/credits/format';
import { LocalDate } from '@/components/credits/local-date';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { toast } from '@/components/ui/toast';
import { ApiKeyCreateDialog } from './api-key-create-dialog';
import { ApiKeyRotateDialog } from './api-key-rotate-dialog';
import {
  apiKeyErrorMessage,
  apiKeysQueryKey,
  fetchApiKeys,
  revokeApiKeyRequest,
  type ApiKeyViewData,
} from './api-keys-api';

const STATUS_BADGES = {
  active: { label: 'Active', variant: 'success' },
  revoked: { label: 'Revoked', variant: 'destructive' },
  expired: { label: 'Expired', variant: 'warning' },
} as const;

function limitsOf(key: ApiKeyViewData): string {
  const parts = [
    key.monthlyLimitMicroCredits
      ? `${formatCredits(key.monthlyLimitMicroCredits)} credits/month`
      : 'no monthly limit',
    key.requestsPerMinute ? `${key.requestsPerMinute} requests/min` : 'no rate limit',
  ];
  if (key.ipAllowlist) parts.push(`from ${key.ipAllowlist.join(', ')}`);
  return parts.join(' · ');
}

/**
 * The API keys of one scope (the viewer, or an org they own or administer): name, prefix,
 * scopes, limits, last use and status, with revoke and rotate; the dialog creates keys.
 */
export function ApiKeys({
  orgId,
  scopeLabel,
  initialKeys,
}: {
  orgId: string | null;
  scopeLabel: string;
  initialKeys: ApiKeyViewData[];
}) {
  const queryClient = useQueryClient();
  const keys = useQuery({
    queryKey: apiKeysQueryKey(orgId),
    queryFn: ({ signal }) => fetchApiKeys(orgId, signal),
    initialData: initialKeys,
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: apiKeysQueryKey(orgId) });
  const revoke = useMutation({
    mutationFn: (id: string) => revokeApiKeyRequest(id),
    onSuccess: (key) => {
      toast({ title: `API key “${key.name}” revoked`, variant: 'success' });
      refresh();
    },
    onError: (cause) => toast({ title: apiKeyErrorMessage(cause), variant: 'destructive' }),
  });

  function confirmRevoke(key: ApiKeyViewData) {
    const question = `Revoke “${key.name}” (${key.prefix}…)? Requests with it are refused at once. This cannot be undone.`;
    if (window.confirm(question)) revoke.mutate(key.id);
  }

  return (
    <div className="flex flex-col gap-4" data-testid={`api-keys-${orgId ?? 'personal'}`}>
      {keys.data.length === 0 ? (
        <p className="text-muted-foreground text-sm">No API keys for {scopeLabel} yet.</p>
      ) : (
        <ul
          className="divide-border flex flex-col divide-y"
          aria-label={`API keys of ${scopeLabel}`}
        >
          {keys.data.map((key) => {
            const badge = STATUS_BADGES[key.status];
            return (
              <li key={key.id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-start">
                <div className="flex min-w-0 flex-1 flex-col gap-1 text-sm">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-medium break-words">{key.name}</span>
                    <code className="text-muted-foreground text-xs">{key.prefix}…</code>
                    <Badge variant={badge.variant}>{badge.label}</Badge>
                  </div>
                  <div className="flex flex-wrap gap-1">
                    {key.scopes.map((scope) => (
                      <Badge key={scope} variant="outline">
                        {scope}
                      </Badge>
                    ))}
                  </div>
                  <p className="text-muted-foreground text-xs break-words">{limitsOf(key)}</p>
                  <p className="text-muted-foreground text-xs">
                    Last used:{' '}
                    {key.lastUsedAt ? (
                      <>
                        <LocalDate value={key.lastUsedAt} format="dateTime" />
                        {key.lastUsedIp ? ` from ${key.lastUsedIp}` : ''}
                      </>
                    ) : (
                      'never'
                    )}
                    {key.expiresAt ? (
                      <>
                        {' · '}Expires <LocalDate value={key.expiresAt} format="date" />
                      </>
                    ) : null}
                    {key.previousValidUntil ? (
                      <>
                        {' · '}Old secret works until{' '}
                        <LocalDate value={key.previousValidUntil} format="dateTime" />
                      </>
                    ) : null}
                  </p>
                </div>
                {key.status === 'revoked' ? null : (
                  <div className="flex shrink-0 gap-1">
                    <ApiKeyRotateDialog keyId={key.id} keyName={key.name} onRotated={refresh} />
                    <Button
                      type="button"
                      variant="ghost"
                      size="sm"
                      disabled={revoke.isPending}
                      onClick={() => confirmRevoke(key)}
                      aria-label={`Revoke ${key.name}`}
                    >
                      <Ban aria-hidden="true" />
                      Revoke
                    </Button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <ApiKeyCreateDialog orgId={orgId} scopeLabel={scopeLabel} onCreated={refresh} />
    </div>
  );
}

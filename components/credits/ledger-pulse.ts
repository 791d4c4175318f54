'use client';

import { useEffect, useRef } from 'react';
import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { callApi } from '@/lib/api/client';

/**
 * Money moved by someone else (a Stripe refund, a platform grant, an org transfer into the wallet)
 * reaches open pages within a few seconds: every few seconds the header reads each wallet's
 * fingerprint (/api/credits/pulse, one cheap read), and when one changes it refetches that
 * wallet's credits queries (balance, usage, history) and the bell. Hidden tabs do not poll.
 * Own actions still refresh at once through `invalidateCredits` (./queries).
 */

const PULSE_MS = 4_000;

const pulseKey = ['ledger-pulse'] as const;

function decodeWallets(body: unknown): Record<string, string> {
  const wallets = (body as { wallets?: unknown } | null)?.wallets;
  if (!wallets || typeof wallets !== 'object') return {};
  return Object.fromEntries(
    Object.entries(wallets).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/** Whether a credits query reads the wallet `scope` (`personal` or `org:<id>`). */
function readsWallet(queryKey: QueryKey, scope: string): boolean {
  if (queryKey[0] !== 'credits') return false;
  const orgPart = queryKey.find((part) => typeof part === 'string' && part.startsWith('org:'));
  return scope === 'personal' ? orgPart === undefined : orgPart === scope;
}

export function useLedgerPulse(): void {
  const queryClient = useQueryClient();
  const seen = useRef<Record<string, string> | null>(null);
  // When the first reading was asked for: credits data older than that came with the page.
  const firstAsked = useRef<number | null>(null);
  const { data } = useQuery({
    queryKey: pulseKey,
    queryFn: async ({ signal }) => {
      firstAsked.current ??= Date.now();
      return decodeWallets(await callApi('/api/credits/pulse', { signal }));
    },
    refetchInterval: PULSE_MS,
  });

  useEffect(() => {
    if (!data) return;
    const before = seen.current;
    seen.current = data;
    if (!before) {
      // The first reading has nothing to compare with, and money may have moved between the
      // server render and now: the figures that came with the page are read again, once.
      const asked = firstAsked.current ?? 0;
      void queryClient.invalidateQueries({
        predicate: (query) => query.queryKey[0] === 'credits' && query.state.dataUpdatedAt < asked,
      });
      return;
    }
    const changed = Object.keys(data).filter((scope) => before[scope] !== data[scope]);
    if (changed.length === 0) return;
    void queryClient.invalidateQueries({
      predicate: (query) => changed.some((scope) => readsWallet(query.queryKey, scope)),
    });
    void queryClient.invalidateQueries({ queryKey: ['notifications'] });
  }, [data, queryClient]);
}

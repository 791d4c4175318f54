import { callApi } from '@/lib/api/client';

/**
 * The viewer's LLM token quota for the sidebar usage widget. No schema library here: the widget
 * ships in every dashboard page, and the answer is the API's own type, so a small shape check is
 * enough to turn a garbled answer into an error.
 */

interface QuotaView {
  planId: string;
  planName: string;
  /** ISO instant. */
  periodEnd: string;
  used: number;
  limit: number | null;
  remaining: number | null;
  percentUsed: number | null;
}

export const quotaKey = (orgId: string | null) => ['tokens', 'quota', orgId ?? 'personal'] as const;

function isQuota(body: unknown): body is QuotaView {
  if (typeof body !== 'object' || body === null) return false;
  const quota = body as Record<keyof QuotaView, unknown>;
  const numberOrNull = (value: unknown) => value === null || typeof value === 'number';
  return (
    typeof quota.planId === 'string' &&
    typeof quota.planName === 'string' &&
    typeof quota.periodEnd === 'string' &&
    !Number.isNaN(Date.parse(quota.periodEnd)) &&
    typeof quota.used === 'number' &&
    numberOrNull(quota.limit) &&
    numberOrNull(quota.remaining) &&
    numberOrNull(quota.percentUsed)
  );
}

export async function fetchQuota(orgId: string | null, signal?: AbortSignal): Promise<QuotaView> {
  const url = orgId
    ? `/api/credits/tokens?${new URLSearchParams({ orgId })}`
    : '/api/credits/tokens';
  const body = await callApi(url, { signal });
  if (!isQuota(body)) throw new Error('Tollgate sent an answer this page does not understand.');
  return body;
}

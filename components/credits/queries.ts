// zod/mini: the same checks at a fraction of the bundle (this module ships in every dashboard page).
import * as z from 'zod/mini';
import {
  useQueryClient,
  type InfiniteData,
  type QueryClient,
  type QueryKey,
} from '@tanstack/react-query';
import type {
  BreakdownView,
  Category,
  PeriodGrantProgress,
  Transaction,
  TransactionPage,
  TransferKind,
  UsagePeriod,
  UsageBreakdownReport,
  UsageReport,
  WalletSummary,
} from '@/lib/credits';
import { CATEGORIES, TRANSFER_KINDS } from '@/lib/credits/kinds';
import { toMicro } from '@/lib/credits/format';
import { HISTORY_PAGE_SIZE, USAGE_PERIODS, type WalletScope } from './credits-config';

/**
 * Client-side reads of a wallet over the credits API, for react-query. The API sends amounts as
 * decimal strings and dates as ISO text; the parsers below turn them back into exactly the types
 * lib/credits returns, so server-rendered first data and refetched data share one shape.
 */

export type { Category, Transaction, TransactionPage, TransferKind, UsagePeriod, UsageReport };
export type { WalletSummary, PeriodGrantProgress, UsageBreakdownReport, BreakdownView };

/** The personal wallet summary, shared by the header balance and the /credits balance card. */
export const CREDITS_SUMMARY_KEY = ['credits', 'summary'] as const;

function scopeKey(scope: WalletScope): string {
  return scope.type === 'personal' ? 'personal' : `org:${scope.orgId}`;
}

export const creditsKeys = {
  all: ['credits'] as const,
  summary: (scope: WalletScope): QueryKey =>
    scope.type === 'personal' ? CREDITS_SUMMARY_KEY : [...CREDITS_SUMMARY_KEY, scopeKey(scope)],
  usage: (scope: WalletScope, period: UsagePeriod): QueryKey => [
    'credits',
    'usage',
    scopeKey(scope),
    period,
  ],
  grant: (scope: WalletScope): QueryKey => ['credits', 'grant', scopeKey(scope)],
  breakdown: (scope: WalletScope, view: BreakdownView, period: UsagePeriod): QueryKey => [
    'credits',
    'breakdown',
    scopeKey(scope),
    view,
    period,
  ],
  history: (scope: WalletScope, filters: HistoryQuery): QueryKey => [
    'credits',
    'history',
    scopeKey(scope),
    filters,
  ],
};

/** Refreshes every credits read (balances, usage, history); call it after anything spends. */
export function invalidateCredits(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: creditsKeys.all });
}

/** The same, as a hook: `const refreshCredits = useInvalidateCredits(); await refreshCredits();` */
export function useInvalidateCredits(): () => Promise<void> {
  const queryClient = useQueryClient();
  return () => invalidateCredits(queryClient);
}

export function creditsApiBase(scope: WalletScope): string {
  return scope.type === 'personal' ? '/api/credits' : `/api/orgs/${scope.orgId}/credits`;
}

/** History filters as the API takes them: from/to are ISO instants (to is exclusive). */
export interface HistoryQuery {
  type?: TransferKind;
  category?: Category;
  from?: string;
  to?: string;
}

export function historySearchParams(query: HistoryQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string' && value !== '') params.set(key, value);
  }
  return params;
}

const micro = z.pipe(
  z.string(),
  z.transform((value: string) => toMicro(value)),
);
const rowId = z.pipe(
  z.string().check(z.regex(/^\d+$/)),
  z.transform((value: string) => BigInt(value)),
);
const instant = z.pipe(
  z.iso.datetime({ offset: true }),
  z.transform((value: string) => new Date(value)),
);
const category = z.enum(CATEGORIES);

const summarySchema: z.ZodMiniType<WalletSummary> = z.object({
  walletId: z.string(),
  kind: z.enum(['user_wallet', 'org_wallet']),
  available: micro,
  balance: micro,
  pending: micro,
  expiringSoon: micro,
  nextExpiryAt: z.nullable(instant),
  frozen: z.boolean(),
});

const usageSchema: z.ZodMiniType<UsageReport> = z.object({
  period: z.enum(USAGE_PERIODS),
  from: instant,
  to: instant,
  total: micro,
  byCategory: z.array(z.object({ category, amount: micro })),
  daily: z.array(
    z.object({
      day: z.string(),
      total: micro,
      byCategory: z.partialRecord(category, micro),
    }),
  ),
});

const grantSchema: z.ZodMiniType<PeriodGrantProgress> = z.object({
  planId: z.string(),
  planName: z.string(),
  periodStart: instant,
  periodEnd: instant,
  grant: micro,
  spent: micro,
  usedBasisPoints: z.int().check(z.nonnegative()),
  allowances: z.array(
    z.object({
      tokenType: z.string(),
      label: z.string(),
      allowance: z.number(),
      used: z.number(),
    }),
  ),
});

const breakdownSchema: z.ZodMiniType<UsageBreakdownReport> = z.object({
  view: z.enum(['model', 'feature', 'member']),
  period: z.enum(USAGE_PERIODS),
  from: z.string(),
  to: z.string(),
  total: micro,
  rows: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      detail: z.nullable(z.string()),
      credits: micro,
      tokens: z.nullable(z.number()),
      events: z.number(),
    }),
  ),
});

const transactionPageSchema: z.ZodMiniType<TransactionPage> = z.object({
  items: z.array(
    z.object({
      id: rowId,
      createdAt: instant,
      kind: z.enum(TRANSFER_KINDS),
      category,
      direction: z.enum(['credit', 'debit']),
      amount: micro,
      description: z.nullable(z.string()),
      counterparty: z.string(),
      holdId: z.nullable(rowId),
      refundOf: z.nullable(rowId),
    }),
  ),
  nextCursor: z.nullable(z.string()),
});

const problemSchema = z.object({
  title: z.optional(z.string()),
  detail: z.optional(z.string()),
});

/** An API failure with a message meant for people (the problem+json detail). */
export class CreditsApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'CreditsApiError';
  }
}

async function getJson<T>(url: string, schema: z.ZodMiniType<T>, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new CreditsApiError('Could not reach Tollgate. Check your connection and retry.', 0);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401) {
      throw new CreditsApiError('Your session has ended. Sign in again to continue.', 401);
    }
    const problem = problemSchema.safeParse(body);
    const message = problem.success ? (problem.data.detail ?? problem.data.title) : undefined;
    throw new CreditsApiError(
      message ?? `The request failed (HTTP ${response.status}).`,
      response.status,
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new CreditsApiError('Tollgate sent an answer this page does not understand.', 502);
  }
  return parsed.data;
}

export function fetchSummary(scope: WalletScope, signal?: AbortSignal): Promise<WalletSummary> {
  return getJson(creditsApiBase(scope), summarySchema, signal);
}

export function fetchUsage(
  scope: WalletScope,
  period: UsagePeriod,
  signal?: AbortSignal,
): Promise<UsageReport> {
  return getJson(`${creditsApiBase(scope)}/usage?period=${period}`, usageSchema, signal);
}

/** This plan period's credit grant against what the wallet spent, and the allowances used. */
export function fetchGrantProgress(
  scope: WalletScope,
  signal?: AbortSignal,
): Promise<PeriodGrantProgress> {
  return getJson(`${creditsApiBase(scope)}/usage?view=grant`, grantSchema, signal);
}

export function fetchBreakdown(
  scope: WalletScope,
  view: BreakdownView,
  period: UsagePeriod,
  signal?: AbortSignal,
): Promise<UsageBreakdownReport> {
  return getJson(
    `${creditsApiBase(scope)}/usage?view=${view}&period=${period}`,
    breakdownSchema,
    signal,
  );
}

export function fetchHistoryPage(
  scope: WalletScope,
  query: HistoryQuery,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<TransactionPage> {
  const params = historySearchParams(query);
  params.set('limit', String(HISTORY_PAGE_SIZE));
  if (cursor) params.set('cursor', cursor);
  return getJson(`${creditsApiBase(scope)}/history?${params}`, transactionPageSchema, signal);
}

export function historyExportUrl(scope: WalletScope, query: HistoryQuery): string {
  const params = historySearchParams(query).toString();
  return `${creditsApiBase(scope)}/history/export${params ? `?${params}` : ''}`;
}

export type HistoryPages = InfiniteData<TransactionPage, string | null>;

export function errorMessage(error: unknown): string {
  if (error instanceof CreditsApiError) return error.message;
  return 'Something went wrong. Try again in a moment.';
}

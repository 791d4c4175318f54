import { ApiError, callApi } from '@/lib/api/client';
import type { QueryClient, QueryKey } from '@tanstack/react-query';
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
import { toMicro } from '@/lib/credits/format';
import { HISTORY_PAGE_SIZE, type WalletScope } from './credits-config';

/**
 * Client-side reads of a wallet over the credits API, for react-query. The API sends amounts as
 * decimal strings and dates as ISO text; the decoders below turn them back into exactly the types
 * lib/credits returns, so server-rendered first data and refetched data share one shape.
 *
 * No schema library here: this module ships in every dashboard page (the header balance), and
 * the answers come from Tollgate's own API, typed by the same lib/credits types. The decoders
 * still refuse what is not an amount, an id or a date, so a garbled answer becomes an error.
 */

export type { Category, Transaction, TransactionPage, TransferKind, UsagePeriod, UsageReport };
export type { WalletSummary, PeriodGrantProgress, UsageBreakdownReport, BreakdownView };

/** The personal wallet summary, shared by the header balance and the /credits balance card. */
const CREDITS_SUMMARY_KEY = ['credits', 'summary'] as const;

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

function creditsApiBase(scope: WalletScope): string {
  return scope.type === 'personal' ? '/api/credits' : `/api/orgs/${scope.orgId}/credits`;
}

/** History filters as the API takes them: from/to are ISO instants (to is exclusive). */
export interface HistoryQuery {
  type?: TransferKind;
  category?: Category;
  from?: string;
  to?: string;
}

function historySearchParams(query: HistoryQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string' && value !== '') params.set(key, value);
  }
  return params;
}

/** A lib/credits value as the API's JSON carries it: bigints as decimal strings, dates as text. */
type Wire<T> = T extends bigint
  ? string
  : T extends Date
    ? string
    : T extends readonly (infer Item)[]
      ? Wire<Item>[]
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

/** Decimal micro-credits; toMicro throws on anything else. */
const micro = (value: string): bigint => toMicro(value);

function rowId(value: string): bigint {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    throw new TypeError(`not a row id: ${String(value)}`);
  }
  return BigInt(value);
}

function instant(value: string): Date {
  const date = new Date(value);
  if (typeof value !== 'string' || Number.isNaN(date.getTime())) {
    throw new TypeError(`not an instant: ${String(value)}`);
  }
  return date;
}

function nullable<T>(value: string | null, decode: (value: string) => T): T | null {
  return value === null ? null : decode(value);
}

function decodeSummary(wire: Wire<WalletSummary>): WalletSummary {
  return {
    walletId: wire.walletId,
    kind: wire.kind,
    available: micro(wire.available),
    balance: micro(wire.balance),
    pending: micro(wire.pending),
    expiringSoon: micro(wire.expiringSoon),
    nextExpiryAt: nullable(wire.nextExpiryAt, instant),
    frozen: wire.frozen,
    creditLimit: micro(wire.creditLimit),
  };
}

function decodeUsage(wire: Wire<UsageReport>): UsageReport {
  return {
    period: wire.period,
    from: instant(wire.from),
    to: instant(wire.to),
    total: micro(wire.total),
    byCategory: wire.byCategory.map((row) => ({
      category: row.category,
      amount: micro(row.amount),
    })),
    daily: wire.daily.map((day) => ({
      day: day.day,
      total: micro(day.total),
      byCategory: Object.fromEntries(
        Object.entries(day.byCategory).map(([key, amount]) => [key, micro(amount ?? '')]),
      ) as UsageReport['daily'][number]['byCategory'],
    })),
  };
}

function decodeGrant(wire: Wire<PeriodGrantProgress>): PeriodGrantProgress {
  return {
    planId: wire.planId,
    planName: wire.planName,
    periodStart: instant(wire.periodStart),
    periodEnd: instant(wire.periodEnd),
    grant: micro(wire.grant),
    spent: micro(wire.spent),
    usedBasisPoints: wire.usedBasisPoints,
    allowances: wire.allowances.map((allowance) => ({
      tokenType: allowance.tokenType,
      label: allowance.label,
      allowance: allowance.allowance,
      used: allowance.used,
    })),
  };
}

function decodeBreakdown(wire: Wire<UsageBreakdownReport>): UsageBreakdownReport {
  return {
    view: wire.view,
    period: wire.period,
    from: wire.from,
    to: wire.to,
    total: micro(wire.total),
    rows: wire.rows.map((row) => ({
      key: row.key,
      label: row.label,
      detail: row.detail,
      credits: micro(row.credits),
      tokens: row.tokens,
      events: row.events,
    })),
  };
}

function decodeTransactionPage(wire: Wire<TransactionPage>): TransactionPage {
  return {
    items: wire.items.map((item) => ({
      id: rowId(item.id),
      createdAt: instant(item.createdAt),
      kind: item.kind,
      activity: item.activity,
      feature: item.feature,
      category: item.category,
      direction: item.direction,
      amount: micro(item.amount),
      description: item.description,
      counterparty: item.counterparty,
      holdId: nullable(item.holdId, rowId),
      refundOf: nullable(item.refundOf, rowId),
    })),
    nextCursor: wire.nextCursor,
  };
}

async function getJson<W, T>(
  url: string,
  decode: (wire: W) => T,
  signal?: AbortSignal,
): Promise<T> {
  const body = await callApi(url, { signal });
  try {
    // The shape is the API's own response type; the decoder checks amounts, ids and dates.
    return decode(body as W);
  } catch {
    throw new ApiError('Tollgate sent an answer this page does not understand.', 502);
  }
}

export function fetchSummary(scope: WalletScope, signal?: AbortSignal): Promise<WalletSummary> {
  return getJson(creditsApiBase(scope), decodeSummary, signal);
}

export function fetchUsage(
  scope: WalletScope,
  period: UsagePeriod,
  signal?: AbortSignal,
): Promise<UsageReport> {
  return getJson(`${creditsApiBase(scope)}/usage?period=${period}`, decodeUsage, signal);
}

/** This plan period's credit grant against what the wallet spent, and the allowances used. */
export function fetchGrantProgress(
  scope: WalletScope,
  signal?: AbortSignal,
): Promise<PeriodGrantProgress> {
  return getJson(`${creditsApiBase(scope)}/usage?view=grant`, decodeGrant, signal);
}

export function fetchBreakdown(
  scope: WalletScope,
  view: BreakdownView,
  period: UsagePeriod,
  signal?: AbortSignal,
): Promise<UsageBreakdownReport> {
  return getJson(
    `${creditsApiBase(scope)}/usage?view=${view}&period=${period}`,
    decodeBreakdown,
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
  return getJson(`${creditsApiBase(scope)}/history?${params}`, decodeTransactionPage, signal);
}

export function historyExportUrl(scope: WalletScope, query: HistoryQuery): string {
  const params = historySearchParams(query).toString();
  return `${creditsApiBase(scope)}/history/export${params ? `?${params}` : ''}`;
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong. Try again in a moment.';
}

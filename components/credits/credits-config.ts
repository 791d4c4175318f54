import type { UsagePeriod, WalletRef } from '@/lib/credits';

/**
 * Settings the server pages and the client halves must agree on (the first page the server
 * renders is the first page react-query would have fetched). Safe to import from either side.
 */

/** Which wallet a credits view shows: the viewer's own, or an organization's. */
export type WalletScope = WalletRef;

export const USAGE_PERIODS = ['7d', '30d', '90d'] as const satisfies readonly UsagePeriod[];
export const DEFAULT_USAGE_PERIOD: UsagePeriod = '30d';
export const HISTORY_PAGE_SIZE = 25;

/**
 * The cookie that remembers which wallet the viewer pays from outside an org's pages: an org id,
 * or `personal`. Written when they choose in "Pay from"; read by the dashboard layout.
 */
export const WALLET_COOKIE = 'tollgate-wallet';

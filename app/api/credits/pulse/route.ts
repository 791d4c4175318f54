import { route } from '@/lib/api';
import { getWalletVersions } from '@/lib/credits';

export const runtime = 'nodejs';

/**
 * A fingerprint per wallet the caller spends from (`personal`, `org:<id>`), polled by open pages
 * every few seconds: when one changes, money moved there (also by someone else: a refund, a
 * grant, a transfer in) and the page refetches that wallet's figures.
 */
export const GET = route({}, async ({ session }) => ({
  wallets: await getWalletVersions(session),
}));

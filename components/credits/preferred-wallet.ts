import 'server-only';
import { cache } from 'react';
import { cookies } from 'next/headers';
import type { Viewer } from '@/lib/auth';
import { getWalletSummary, resolveWallet } from '@/lib/credits';
import { WALLET_COOKIE } from './credits-config';

/**
 * The wallet the viewer uses outside an org's pages ('' personal, else an org id): the one they
 * chose last ("Pay from", remembered in a cookie), else an org's when their personal wallet is
 * empty and they belong to one (an org member who never bought credits spends the org's), else
 * their own. Once per request (the layout and the page both ask).
 */
export const preferredWalletOrgId = cache(async (viewer: Viewer): Promise<string> => {
  const chosen = (await cookies()).get(WALLET_COOKIE)?.value;
  if (chosen === 'personal') return '';
  if (chosen && viewer.orgs.some((org) => org.id === chosen)) return chosen;
  const [first] = viewer.orgs;
  if (!first) return '';
  const personal = await resolveWallet(viewer.session, { type: 'personal' })
    .then((walletId) => getWalletSummary(viewer.session, walletId))
    .catch(() => null);
  return personal && personal.available <= 0n ? first.id : '';
});

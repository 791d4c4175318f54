import { z } from 'zod';
import { route } from '@/lib/api';
import { getWalletSummary, resolveWallet } from '@/lib/credits';

export const runtime = 'nodejs';

const params = z.object({ orgId: z.uuid() });

/** The org wallet, for its members (404 to everyone else). */
export const GET = route({ params }, async ({ session, params }) =>
  getWalletSummary(session, await resolveWallet(session, { type: 'org', orgId: params.orgId })),
);

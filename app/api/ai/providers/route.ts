import { z } from 'zod';
import { route } from '@/lib/api';
import { listProviderStatus } from '@/lib/gateway';

export const runtime = 'nodejs';

const query = z.object({ orgId: z.uuid().optional() });

/**
 * Each provider: configured (platform key, the caller's own key, local), its models, whether its
 * calls are moderated, and health (calls, error rate, latency p50/p95) over 1 h and 24 h.
 */
export const GET = route({ query }, async ({ session, query }) => ({
  providers: await listProviderStatus(session, query.orgId),
}));

import { keyRoute } from '@/lib/api';
import { keyUsageQuery, listKeyUsage } from '@/lib/gateway';

export const runtime = 'nodejs';

/** The key's calls, newest first, and its month's spend against its monthly limit. */
export const GET = keyRoute({ scope: 'usage:read', query: keyUsageQuery }, async ({ key, query }) =>
  listKeyUsage(key, query),
);

import { z } from 'zod';
import { route } from '@/lib/api';
import { getQuota } from '@/lib/quota';
import { subjectFor } from '@/lib/core';

export const runtime = 'nodejs';

/**
 * For the assistant widget: LLM tokens this period against the plan's limit, and requests this
 * hour. ?orgId= for an org's (members only).
 */
export const GET = route(
  { query: z.object({ orgId: z.uuid().optional() }) },
  async ({ session, query }) => getQuota(session, subjectFor(session, query.orgId)),
);

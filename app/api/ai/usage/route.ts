import { z } from 'zod';
import { route } from '@/lib/api';
import { subjectFor } from '@/lib/core';
import { getUsageStats } from '@/lib/usage';

export const runtime = 'nodejs';

const query = z.object({
  period: z.enum(['7d', '30d', '90d']).default('30d'),
  orgId: z.uuid().optional(),
});

/** AI usage (tokens, requests, credits) of the caller, or of an org they belong to. */
export const GET = route({ query }, async ({ session, query }) =>
  getUsageStats(session, subjectFor(session, query.orgId), query.period),
);

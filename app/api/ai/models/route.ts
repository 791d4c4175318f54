import { z } from 'zod';
import { route } from '@/lib/api';
import { subjectFor } from '@/lib/core';
import { COMPLEXITIES, modelsFor } from '@/lib/gateway';

export const runtime = 'nodejs';

const query = z.object({ orgId: z.uuid().optional() });

/**
 * The models the caller may use (personal, or on an org's wallet with `orgId`): the catalog
 * filtered by the plan's models, the org's subset for members, flags and kill switches, with
 * prices in force (micro-USD per 1M, micro-credits per 1K tokens). `auto` is always offered.
 */
export const GET = route({ query }, async ({ session, query }) => ({
  models: await modelsFor(session, subjectFor(session, query.orgId)),
  auto: { model: 'auto', complexities: COMPLEXITIES },
}));

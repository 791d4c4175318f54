import { z } from 'zod';
import { route } from '@/lib/api';
import { listDeliveries } from '@/lib/webhooks';

export const runtime = 'nodejs';

/** The endpoint's latest deliveries, newest first, each with every attempt. */
export const GET = route(
  {
    params: z.object({ id: z.uuid() }),
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).optional() }),
  },
  async ({ session, params, query }) => ({
    deliveries: await listDeliveries(session, params.id, query.limit),
  }),
);

import { z } from 'zod';
import { route, jsonWithStatus } from '@/lib/api';
import { createEndpoint, createEndpointInput, listEndpoints } from '@/lib/webhooks';

export const runtime = 'nodejs';

/** The caller's webhook endpoints, or an org's (?orgId=) when they own or administer it. */
export const GET = route(
  { query: z.object({ orgId: z.uuid().optional() }) },
  async ({ session, query }) => ({ endpoints: await listEndpoints(session, query.orgId) }),
);

/** Registers an endpoint. The answer holds its signing secret: the only time it is shown. */
export const POST = route(
  { body: createEndpointInput, replayWithout: ['secret'] },
  async ({ session, body }) => jsonWithStatus(await createEndpoint(session, body), 201),
);

import { z } from 'zod';
import { route } from '@/lib/api';
import { deleteEndpoint, getEndpoint, updateEndpoint, updateEndpointInput } from '@/lib/webhooks';

export const runtime = 'nodejs';

const params = z.object({ id: z.uuid() });

export const GET = route({ params }, async ({ session, params }) => ({
  endpoint: await getEndpoint(session, params.id),
}));

/** Changes the URL, event types or description, or turns the endpoint on or off. */
export const PATCH = route(
  { params, body: updateEndpointInput },
  async ({ session, params, body }) => ({
    endpoint: await updateEndpoint(session, params.id, body),
  }),
);

/** Removes the endpoint with its delivery history. */
export const DELETE = route({ params }, async ({ session, params }) => {
  await deleteEndpoint(session, params.id);
  return { deleted: true };
});

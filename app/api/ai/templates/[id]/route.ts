import { z } from 'zod';
import { route } from '@/lib/api';
import { deleteTemplate, getTemplate, updateTemplate, updateTemplateInput } from '@/lib/ai';

export const runtime = 'nodejs';

const params = z.object({ id: z.string().max(100) });

/** One template the caller owns or that is public; 404 otherwise. */
export const GET = route({ params }, async ({ session, params }) => ({
  template: await getTemplate(session, params.id),
}));

/** Changes the caller's own template (404 for anyone else's). */
export const PATCH = route(
  { params, body: updateTemplateInput },
  async ({ session, params, body }) => ({
    template: await updateTemplate(session, params.id, body),
  }),
);

export const DELETE = route({ params }, async ({ session, params }) => {
  await deleteTemplate(session, params.id);
  return { deleted: true };
});

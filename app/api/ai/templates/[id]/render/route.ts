import { z } from 'zod';
import { route } from '@/lib/api';
import { renderInput, renderTemplateById } from '@/lib/ai';

export const runtime = 'nodejs';

/** Fills the template's variables: {values} → {text}, the prompt to send to the model. */
export const POST = route(
  { params: z.object({ id: z.string().max(100) }), body: renderInput },
  async ({ session, params, body }) => renderTemplateById(session, params.id, body),
);

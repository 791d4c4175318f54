import { route } from '@/lib/api';
import { createTemplate, createTemplateInput, listTemplates, listTemplatesQuery } from '@/lib/ai';

export const runtime = 'nodejs';

/** The caller's templates and everyone's public ones (?visibility=private|public|all). */
export const GET = route({ query: listTemplatesQuery }, async ({ session, query }) => ({
  templates: await listTemplates(session, query),
}));

/** Creates a template; every {{placeholder}} in the body must be declared. */
export const POST = route({ body: createTemplateInput }, async ({ session, body }) => ({
  template: await createTemplate(session, body),
}));

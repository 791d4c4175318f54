import { openApiDocument } from '@/lib/api';

export const runtime = 'nodejs';

/** The OpenAPI 3.1 document of /api/v1, generated from the schemas the routes validate with. */
export function GET(): Response {
  return Response.json(openApiDocument(), {
    headers: { 'cache-control': 'public, max-age=300' },
  });
}

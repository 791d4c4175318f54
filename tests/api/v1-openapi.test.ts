import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GET } from '../../app/api/v1/openapi.json/route';

/**
 * The OpenAPI document is made from the registry the docs page renders; this holds the registry
 * to the route files on disk: every /api/v1 route and method is in it, and nothing else is.
 */

const V1 = path.resolve(import.meta.dirname, '../../app/api/v1');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

async function routeFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory()
        ? routeFiles(path.join(dir, entry.name))
        : Promise.resolve(entry.name === 'route.ts' ? [path.join(dir, entry.name)] : []),
    ),
  );
  return nested.flat();
}

describe('GET /api/v1/openapi.json', () => {
  it('lists every /api/v1 route file and each method it exports', async () => {
    const onDisk: string[] = [];
    for (const file of await routeFiles(V1)) {
      const route = `/${path.relative(V1, path.dirname(file)).split(path.sep).join('/')}`;
      const routeModule = (await import(file)) as Record<string, unknown>;
      for (const method of METHODS) {
        if (typeof routeModule[method] === 'function') onDisk.push(`${method} ${route}`);
      }
    }
    const response = GET();
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths).flatMap(([route, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${route}`),
    );
    expect(onDisk.length).toBeGreaterThanOrEqual(8);
    expect(documented.sort()).toEqual(onDisk.sort());
  });

  it('describes bodies from the routes’ own schemas', async () => {
    const document = (await GET().json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; parameters?: unknown[] }>>;
    };
    const chat = document.paths['/chat/completions']!.post!.requestBody as {
      content: { 'application/json': { schema: { required: string[]; properties: object } } };
    };
    const schema = chat.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['model', 'messages']));
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['stream', 'stream_options', 'tools', 'response_format']),
    );
    const usage = document.paths['/usage']!.get!.parameters as { name: string }[];
    expect(usage.map((parameter) => parameter.name)).toEqual(['limit', 'after']);
  });
});

import 'server-only';
import { z } from 'zod';
import { V1_ENDPOINTS, type V1Endpoint } from './v1-endpoints';

/** The OpenAPI 3.1 document of `/api/v1`, made from the endpoint registry and its zod schemas. */

const schemaOf = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' });

const ERROR_SCHEMA = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        message: { type: 'string' },
        type: { type: 'string' },
        param: { type: ['string', 'null'] },
        code: { type: ['string', 'null'] },
      },
      required: ['message', 'type', 'param', 'code'],
    },
  },
  required: ['error'],
};

const ERRORS: Record<string, string> = {
  '400': 'A body OpenAI would reject (`invalid_request_error`, `param` names the field).',
  '401': 'Missing, malformed, unknown, revoked or expired key, or one of another environment.',
  '402': 'Not enough credits in the wallet, or the key’s monthly limit is reached (`key_limit`).',
  '403': 'The key lacks the scope, or the address is outside its allowlist.',
  '404': 'Unknown model.',
  '409': 'The Idempotency-Key was used for a different request.',
  '429': 'The key’s requests per minute or the plan’s hourly limit; see Retry-After.',
};

function operation(endpoint: V1Endpoint): Record<string, unknown> {
  const parameters: unknown[] = [];
  if (endpoint.query) {
    const query = schemaOf(endpoint.query, 'input') as {
      properties?: Record<string, unknown>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({
        name,
        in: 'query',
        required: query.required?.includes(name) ?? false,
        schema,
      });
    }
  }
  if (endpoint.method === 'POST' && endpoint.auth !== 'none') {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      schema: { type: 'string', maxLength: 255 },
      description: 'A retry with the same key gets the first answer back and is charged once.',
    });
  }
  const content: Record<string, unknown> = {
    'application/json': { schema: schemaOf(endpoint.response, 'output') },
  };
  if (endpoint.streamed) {
    content['text/event-stream'] = {
      schema: schemaOf(endpoint.streamed, 'output'),
      description: 'With `stream: true`: one `data:` line per chunk, then `data: [DONE]`.',
    };
  }
  return {
    summary: endpoint.summary,
    description: endpoint.description,
    operationId: `${endpoint.method.toLowerCase()}${endpoint.path.replace(/[^a-zA-Z]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    security:
      endpoint.auth === 'api_key'
        ? [{ apiKey: [] }]
        : endpoint.auth === 'session'
          ? [{ session: [] }]
          : [],
    ...(endpoint.scopes ? { 'x-scopes': endpoint.scopes } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(endpoint.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: schemaOf(endpoint.body, 'input'),
                example: endpoint.example.request,
              },
            },
          },
        }
      : {}),
    responses: {
      '200': { description: 'OK', content },
      ...Object.fromEntries(
        Object.entries(ERRORS).map(([status, description]) => [
          status,
          { description, content: { 'application/json': { schema: ERROR_SCHEMA } } },
        ]),
      ),
    },
  };
}

/** The OpenAPI 3.1 document of /api/v1. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of V1_ENDPOINTS) {
    paths[endpoint.path] ??= {};
    paths[endpoint.path]![endpoint.method.toLowerCase()] = operation(endpoint);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tollgate API',
      version: '1',
      description:
        'OpenAI-compatible, metered endpoints. Amounts are decimal strings of micro-credits (1 credit = 1,000,000). Guide: /docs.',
    },
    servers: [{ url: '/api/v1' }],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key from Settings → API keys (`tg_test_…` or `tg_live_…`).',
        },
        session: {
          type: 'http',
          scheme: 'bearer',
          description: 'A signed-in session (cookie, or the session token in local mode).',
        },
      },
    },
    paths,
  };
}

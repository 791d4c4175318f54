import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  authenticateApiKey,
  requireScope,
  type ApiKeyPrincipal,
  type ApiKeyScope,
} from '@/lib/api-keys';
import { AppError, assertStorableText, toJson } from '@/lib/core';
import { idempotent } from './idempotency';
import { openAiErrorResponse } from './openai-error';

/**
 * The wrapper of the OpenAI-compatible endpoints (`/api/v1`): API key (Authorization: Bearer)
 * → its scope → zod (query, body) → handler → JSON, every error in OpenAI's shape. The key's own
 * limits are checked in SQL when it is authenticated (expiry, revocation, allowlist, requests
 * per minute) and when the call holds credits (the monthly limit). A POST with an
 * Idempotency-Key runs once per key; retries get its answer (a stream's too) replayed.
 */

interface KeyRouteOptions<Q, B> {
  /** The scope the key needs; with a list, any one of them. */
  scope: ApiKeyScope | readonly ApiKeyScope[];
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
}

interface KeyRouteContext<Q, B> {
  request: Request;
  requestId: string;
  key: ApiKeyPrincipal;
  query: Q;
  body: B;
}

const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/**
 * The caller's address, as the platform in front of the app reports it: `x-real-ip` (Vercel and
 * most proxies set it), else the last hop of `x-forwarded-for` (the one the nearest proxy added).
 */
export function clientAddress(request: Request): string | null {
  const real = request.headers.get('x-real-ip')?.trim();
  if (real) return real;
  const hops = request.headers.get('x-forwarded-for')?.split(',');
  return hops?.at(-1)?.trim() || null;
}

function bearer(request: Request): string {
  const match = request.headers.get('authorization')?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match) {
    throw new AppError(
      'unauthorized',
      'Send your API key in the Authorization header: Authorization: Bearer tg_…',
      { reason: 'missing' },
      { 'WWW-Authenticate': 'Bearer' },
    );
  }
  return match[1]!;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  assertStorableText(value, where);
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = issue?.path.map(String).join('.') || null;
    throw new AppError(
      'bad_request',
      issue ? `${param ?? where}: ${issue.message}` : `Invalid ${where}.`,
      { param },
    );
  }
  return result.data;
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.length > 2_000_000) throw new AppError('bad_request', 'The body is larger than 2 MB.');
  if (text.trim() === '') throw new AppError('bad_request', 'Send a JSON body.');
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('bad_request', 'The body is not valid JSON.');
  }
}

export function keyRoute<Q = undefined, B = undefined>(
  options: KeyRouteOptions<Q, B>,
  handler: (context: KeyRouteContext<Q, B>) => Promise<unknown>,
) {
  return async (request: Request): Promise<Response> => {
    const requestId = randomUUID();
    try {
      const key = await authenticateApiKey(bearer(request), clientAddress(request));
      const scopes = typeof options.scope === 'string' ? [options.scope] : options.scope;
      if (!scopes.some((scope) => key.scopes.includes(scope))) requireScope(key, scopes[0]!);
      const query = parse(
        options.query,
        Object.fromEntries(new URL(request.url).searchParams),
        'query',
      );
      const body = options.body
        ? parse(options.body, await readJson(request), 'body')
        : (undefined as B);
      const rawKey = request.headers.get('idempotency-key') ?? undefined;
      const idempotencyKey =
        rawKey === undefined ? undefined : parse(idempotencyKeySchema, rawKey, 'Idempotency-Key');

      const answer = async (): Promise<Response> => {
        try {
          const result = await handler({ request, requestId, key, query, body });
          if (result instanceof Response) return result;
          return new Response(toJson(result ?? null), {
            headers: { 'content-type': 'application/json', 'x-request-id': requestId },
          });
        } catch (error) {
          return openAiErrorResponse(error, requestId);
        }
      };
      if (!idempotencyKey || request.method === 'GET') return await answer();
      return await idempotent(
        {
          userId: key.createdBy,
          method: request.method,
          // Keyed per API key: two keys of one user never share answers.
          path: `${new URL(request.url).pathname}#${key.keyId}`,
          key: idempotencyKey,
          body,
        },
        answer,
      );
    } catch (error) {
      return openAiErrorResponse(error, requestId);
    }
  };
}

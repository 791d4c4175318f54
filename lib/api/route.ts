import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { getRequestSession, type Session } from '@/lib/auth';
import { AppError, assertStorableText, errors, toJson } from '@/lib/core';
import { idempotent } from './idempotency';
import { problemResponse } from './problem';

/**
 * The one wrapper for route handlers: session → zod (params, query, body, Idempotency-Key) →
 * handler → JSON, with every error mapped to problem+json by one mapper. Handlers stay short and
 * never see unvalidated input or an unverified identity. A signed-in request that carries an
 * Idempotency-Key runs once: retries, even concurrent ones, get its answer replayed.
 */

type Auth = 'required' | 'optional';

interface RouteOptions<P, Q, B, A extends Auth> {
  auth?: A;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Top-level answer fields a keyed retry gets back as null (secrets shown once). */
  replayWithout?: readonly string[];
}

interface RouteContext<P, Q, B, A extends Auth> {
  request: Request;
  requestId: string;
  session: A extends 'optional' ? Session | null : Session;
  params: P;
  query: Q;
  body: B;
  /** The Idempotency-Key header, validated; undefined when absent. */
  idempotencyKey: string | undefined;
}

const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

function invalid(error: z.ZodError, where: string): AppError {
  const issues = error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  return new AppError(
    'validation_failed',
    first ? `${first.path}: ${first.message}` : `Invalid ${where}.`,
    { errors: issues },
  );
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  assertStorableText(value, where);
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(result.error, where);
  return result.data;
}

async function readBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  const text = await request.text();
  if (text.length > 1_000_000) throw errors.badRequest('The request body is larger than 1 MB.');
  if (text.trim() === '') return {};
  if (!type.includes('json')) throw errors.badRequest('Send the body as application/json.');
  try {
    return JSON.parse(text);
  } catch {
    throw errors.badRequest('The request body is not valid JSON.');
  }
}

export function route<P = undefined, Q = undefined, B = undefined, A extends Auth = 'required'>(
  options: RouteOptions<P, Q, B, A>,
  handler: (context: RouteContext<P, Q, B, A>) => Promise<unknown>,
) {
  return async (
    request: Request,
    segment: { params: Promise<Record<string, string | string[]>> } = {
      params: Promise.resolve({}),
    },
  ): Promise<Response> => {
    const requestId = randomUUID();
    try {
      const session = await getRequestSession(request);
      if (!session && options.auth !== 'optional') throw errors.unauthorized();
      const params = parse(options.params, await segment.params, 'params');
      const query = parse(
        options.query,
        Object.fromEntries(new URL(request.url).searchParams),
        'query',
      );
      const body = options.body
        ? parse(options.body, await readBody(request), 'body')
        : (undefined as B);
      const rawKey = request.headers.get('idempotency-key') ?? undefined;
      const idempotencyKey =
        rawKey === undefined ? undefined : parse(idempotencyKeySchema, rawKey, 'Idempotency-Key');

      const answer = async (): Promise<Response> => {
        try {
          const result = await handler({
            request,
            requestId,
            session: session as RouteContext<P, Q, B, A>['session'],
            params,
            query,
            body,
            idempotencyKey,
          });
          if (result instanceof Response) return result;
          return new Response(toJson(result ?? null), {
            status: 200,
            headers: { 'content-type': 'application/json', 'x-request-id': requestId },
          });
        } catch (error) {
          return problemResponse(error, requestId);
        }
      };
      if (!idempotencyKey || !session || request.method === 'GET') return await answer();
      const { pathname } = new URL(request.url);
      return await idempotent(
        {
          userId: session.userId,
          method: request.method,
          path: pathname,
          key: idempotencyKey,
          body,
          replayWithout: options.replayWithout,
        },
        answer,
      );
    } catch (error) {
      return problemResponse(error, requestId);
    }
  };
}

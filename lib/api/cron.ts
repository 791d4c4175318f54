import 'server-only';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { env } from '@/lib/env';
import { AppError, toJson } from '@/lib/core';
import { problemJson, problemResponse } from './problem';

/**
 * Route handlers for schedulers (Vercel Cron, pg_cron via http, the dev server's timer):
 * `Authorization: Bearer $CRON_SECRET`, compared in constant time; no secret configured means
 * the route refuses everyone.
 */

function authorised(request: Request): boolean {
  const secret = env().CRON_SECRET;
  const given = request.headers.get('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (!secret || !given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function cronRoute(job: () => Promise<unknown>) {
  return async (request: Request): Promise<Response> => {
    const requestId = randomUUID();
    if (!authorised(request)) {
      return problemJson(
        new AppError('unauthorized', 'A valid cron secret is required.').toProblem(requestId),
      );
    }
    try {
      return new Response(toJson(await job()), {
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      });
    } catch (error) {
      return problemResponse(error, requestId);
    }
  };
}

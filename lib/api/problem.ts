import 'server-only';
import { AppError, toAppError, type Problem } from '@/lib/core';

/**
 * Turns anything thrown into a problem+json response; unexpected errors are logged, not shown.
 * Mapping only: events such as a refused spend are recorded where they happen (lib/credits).
 */
export function problemResponse(error: unknown, requestId: string): Response {
  const known = toAppError(error);
  if (!known) {
    console.error(`[${requestId}] unhandled error`, error);
    const internal = new AppError(
      'internal_error',
      'Something went wrong on our side. Quote the request id if you contact support.',
    );
    return problemJson(internal.toProblem(requestId), { 'x-request-id': requestId });
  }
  return problemJson(known.toProblem(requestId), { ...known.headers, 'x-request-id': requestId });
}

export function problemJson(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

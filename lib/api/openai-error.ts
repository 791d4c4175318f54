import 'server-only';
import { toAppError, type AppError } from '@/lib/core';

/**
 * Errors of the OpenAI-compatible endpoints in OpenAI's shape, `{ error: { message, type, param,
 * code } }`, so the official SDKs raise their usual error classes. Bodies OpenAI would reject are
 * 400s (not the 422 of the rest of the API). Mapping only, like problem.ts.
 */

export interface OpenAiError {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const TYPES: Partial<Record<AppError['code'], [number, string]>> = {
  bad_request: [400, 'invalid_request_error'],
  validation_failed: [400, 'invalid_request_error'],
  content_flagged: [400, 'invalid_request_error'],
  unauthorized: [401, 'authentication_error'],
  forbidden: [403, 'permission_error'],
  upgrade_required: [403, 'permission_error'],
  not_found: [404, 'invalid_request_error'],
  insufficient_credits: [402, 'insufficient_credits'],
  insufficient_allowance: [402, 'insufficient_credits'],
  idempotency_conflict: [409, 'invalid_request_error'],
  conflict: [409, 'invalid_request_error'],
  rate_limited: [429, 'rate_limit_error'],
  unavailable: [503, 'server_error'],
};

/** The first invalid field as OpenAI names it (`messages.0.content`), when there is one. */
function paramOf(known: AppError): string | null {
  const { errors, param } = known.extensions as { errors?: { path: string }[]; param?: unknown };
  if (typeof param === 'string') return param;
  const path = errors?.[0]?.path;
  return path ? path.replace(/^(body|query)\./, '') : null;
}

function codeOf(known: AppError): string {
  const reason = (known.extensions as { reason?: unknown }).reason;
  if (known.code === 'unauthorized') return 'invalid_api_key';
  if (typeof reason === 'string') return reason;
  if (known.code === 'not_found' && /model/i.test(known.message)) return 'model_not_found';
  return known.code;
}

export function openAiErrorResponse(error: unknown, requestId: string): Response {
  const known = toAppError(error);
  const mapped = known ? TYPES[known.code] : undefined;
  if (!known || !mapped) {
    console.error(`[${requestId}] unhandled error`, error);
    return openAiJson(
      500,
      {
        error: {
          message: `Something went wrong on our side. Quote request id ${requestId} if you contact support.`,
          type: 'server_error',
          param: null,
          code: 'internal_error',
        },
      },
      { 'x-request-id': requestId },
    );
  }
  const [status, type] = mapped;
  return openAiJson(
    status,
    { error: { message: known.message, type, param: paramOf(known), code: codeOf(known) } },
    { ...known.headers, 'x-request-id': requestId },
  );
}

function openAiJson(status: number, body: OpenAiError, headers: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

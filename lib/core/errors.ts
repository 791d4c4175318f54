import { z } from 'zod';

/**
 * The one error type of the app. Domain code throws `AppError`s (or lets Postgres raise one of
 * our SQLSTATEs); `toProblem` maps anything thrown to an RFC 9457 problem with the right status.
 */

type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'content_flagged'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'insufficient_credits'
  | 'insufficient_allowance'
  | 'member_limit_reached'
  | 'upgrade_required'
  | 'flag_off'
  | 'model_not_in_plan'
  | 'model_restricted_by_org'
  | 'no_model_available'
  | 'ai_disabled'
  | 'idempotency_conflict'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable'
  | 'internal_error';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId?: string;
  [extension: string]: unknown;
}

const TITLES: Record<ErrorCode, [number, string]> = {
  bad_request: [400, 'Bad request'],
  validation_failed: [422, 'Validation failed'],
  content_flagged: [422, 'Content flagged'],
  unauthorized: [401, 'Sign-in required'],
  forbidden: [403, 'Forbidden'],
  not_found: [404, 'Not found'],
  insufficient_credits: [402, 'Insufficient credits'],
  insufficient_allowance: [402, 'Insufficient allowance'],
  member_limit_reached: [402, 'Member monthly limit reached'],
  upgrade_required: [403, 'Upgrade required'],
  flag_off: [403, 'Not available to you'],
  model_not_in_plan: [403, 'Model not in your plan'],
  model_restricted_by_org: [403, 'Model restricted by your organization'],
  no_model_available: [403, 'No model available'],
  ai_disabled: [403, 'AI calls turned off'],
  idempotency_conflict: [409, 'Idempotency key reused'],
  conflict: [409, 'Conflict'],
  rate_limited: [429, 'Too many requests'],
  unavailable: [503, 'Service unavailable'],
  internal_error: [500, 'Internal server error'],
};

export class AppError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'AppError';
    [this.status, this.title] = TITLES[code];
  }

  toProblem(requestId?: string): Problem {
    return {
      type: `https://tollgate.dev/problems/${this.code.replaceAll('_', '-')}`,
      title: this.title,
      status: this.status,
      detail: this.message,
      code: this.code,
      ...this.extensions,
      ...(requestId ? { requestId } : {}),
    };
  }
}

interface PostgresLikeError {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
}

function isPostgresError(error: unknown): error is PostgresLikeError & Error {
  return error instanceof Error && error.name === 'PostgresError';
}

function parseHint(hint: string | undefined): Record<string, unknown> {
  if (!hint) return {};
  try {
    const parsed: unknown = JSON.parse(hint);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * SQL functions raise these SQLSTATEs (class `TG`) with a human message and, in HINT, a JSON
 * object of extension members (for example `{"needed": "...", "available": "..."}`).
 */
const SQLSTATE_CODES: Record<string, ErrorCode> = {
  TG400: 'bad_request',
  TG401: 'unauthorized',
  TG402: 'insufficient_credits',
  TG403: 'forbidden',
  TG404: 'not_found',
  TG409: 'idempotency_conflict',
  TGC09: 'conflict', // refused by the state of things (money left in a wallet, a sole owner)
  TG412: 'insufficient_allowance',
  TG413: 'upgrade_required',
  TG422: 'validation_failed',
  TG429: 'rate_limited',
  '42501': 'forbidden', // insufficient_privilege: RLS or a missing grant
  '23505': 'conflict', // unique_violation
  '23514': 'validation_failed', // check_violation
  '23503': 'not_found', // foreign_key_violation: the referenced row does not exist
  '22P02': 'bad_request', // invalid_text_representation (a malformed uuid, say)
  '22003': 'bad_request', // numeric_value_out_of_range
  '22023': 'bad_request', // invalid_parameter_value
};

/** Maps a thrown value to an AppError, or null when it is unexpected (a 500). */
export function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (error instanceof z.ZodError) {
    const issues = error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    const first = issues[0];
    return new AppError(
      'validation_failed',
      first ? `${first.path || 'input'}: ${first.message}` : 'Invalid input.',
      { errors: issues },
    );
  }
  if (isPostgresError(error) && error.code) {
    const code = SQLSTATE_CODES[error.code];
    if (!code) return null;
    const custom = error.code.startsWith('TG');
    const detail = custom ? (error.message ?? 'Request refused.') : defaultDetail(code);
    const extensions = parseHint(error.hint);
    const refinedCode = refineCode(code, extensions);
    if (refinedCode === 'member_limit_reached') {
      extensions.resetsAt = nextUtcMonth(new Date()).toISOString();
    }
    const headers: Record<string, string> = {};
    if (code === 'rate_limited' && typeof extensions.retryAfter === 'number') {
      headers['Retry-After'] = String(Math.max(1, Math.ceil(extensions.retryAfter)));
    }
    return new AppError(refinedCode, detail, extensions, headers);
  }
  return null;
}

const KILL_SWITCH_SCOPES = new Set(['feature', 'model', 'plan']);

/**
 * Each refusal has its own code, so clients can say why and what to do: the ledger's TG402 is a
 * member's monthly limit when its hint says so, and a TG403 that names a kill switch's scope is
 * the switch.
 */
function refineCode(code: ErrorCode, extensions: Record<string, unknown>): ErrorCode {
  if (code === 'insufficient_credits' && extensions.reason === 'member_limit') {
    return 'member_limit_reached';
  }
  if (code === 'forbidden' && KILL_SWITCH_SCOPES.has(String(extensions.scope)))
    return 'ai_disabled';
  return code;
}

/** Member limits count by UTC month (private.usage_month); the next one starts afresh. */
export function nextUtcMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

function defaultDetail(code: ErrorCode): string {
  switch (code) {
    case 'forbidden':
      return 'You do not have permission to do that.';
    case 'conflict':
      return 'That already exists.';
    case 'not_found':
      return 'A referenced record does not exist.';
    case 'validation_failed':
      return 'A value is outside what is allowed.';
    default:
      return 'The request is malformed.';
  }
}

export const errors = {
  unauthorized: () => new AppError('unauthorized', 'Sign in to continue.'),
  forbidden: (detail = 'You do not have permission to do that.') =>
    new AppError('forbidden', detail),
  notFound: (what = 'The resource') => new AppError('not_found', `${what} was not found.`),
  badRequest: (detail: string) => new AppError('bad_request', detail),
};

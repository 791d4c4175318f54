/**
 * Browser calls to the app's own JSON API. A problem+json answer becomes a sentence people can act
 * on: the first invalid field named by its label, else the problem's detail or title. Safe to
 * import from client components (no server code, no schema library).
 */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The problem+json body of a refusal (its extension members), or {} when there was none. */
    readonly problem: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface Problem {
  title?: unknown;
  detail?: unknown;
  errors?: unknown;
}

function firstFieldError(problem: Problem): { path: string; message: string } | undefined {
  if (!Array.isArray(problem.errors)) return undefined;
  const [first] = problem.errors as unknown[];
  if (typeof first !== 'object' || first === null) return undefined;
  const { path, message } = first as { path?: unknown; message?: unknown };
  return typeof path === 'string' && typeof message === 'string' ? { path, message } : undefined;
}

/**
 * Sends a JSON request; resolves to the parsed body of a 2xx answer and throws an ApiError with a
 * readable message otherwise (status 0 when the server could not be reached). Headers given in
 * `init` (an Idempotency-Key, say) are sent too. `fieldLabels` maps request paths (`body.url`) to
 * how people call them ("The URL"); a path that starts with a key gets its label.
 */
export async function callApi(
  url: string,
  init: RequestInit = {},
  fieldLabels: Record<string, string> = {},
): Promise<unknown> {
  let response: Response;
  try {
    const headers = new Headers(init.headers);
    headers.set('accept', 'application/json');
    headers.set('content-type', 'application/json');
    response = await fetch(url, { ...init, headers });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiError('Could not reach Tollgate. Check your connection and retry.', 0);
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) return body;
  if (response.status === 401) {
    throw new ApiError('Your session has ended. Sign in again to continue.', 401);
  }
  const problem: Problem = typeof body === 'object' && body !== null ? body : {};
  const field = firstFieldError(problem);
  const label = field
    ? Object.entries(fieldLabels).find(([path]) => field.path.startsWith(path))?.[1]
    : undefined;
  const described =
    typeof problem.detail === 'string'
      ? problem.detail
      : typeof problem.title === 'string'
        ? problem.title
        : undefined;
  const message =
    (field ? `${label ?? 'This value'} ${field.message}.` : undefined) ??
    described ??
    'Something went wrong. Try again in a moment.';
  throw new ApiError(message, response.status, problem as Record<string, unknown>);
}

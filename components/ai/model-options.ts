/** The assistant page's view of the catalog: plain strings, safe to pass to the client. */

export interface ModelOption {
  id: string;
  displayName: string;
  provider: string;
  available: boolean;
  /** Micro-credits per 1K input / output tokens, as decimal strings. */
  inputPer1k: string;
  outputPer1k: string;
}

/** A problem+json body the chat API answered with (the transport puts it in error.message). */
export interface ChatProblem {
  code: string;
  detail?: string;
  needed?: string;
  available?: string;
  [extension: string]: unknown;
}

const OPTIONAL_TEXT = ['detail', 'needed', 'available'] as const;

/**
 * The problem in a failed chat turn, or null when the error is not one. Checked by hand: this
 * module ships with the assistant page, which loads no schema library up front.
 */
export function problemOf(error: Error | undefined): ChatProblem | null {
  if (!error) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(error.message);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const problem = parsed as Record<string, unknown>;
  if (typeof problem.code !== 'string') return null;
  for (const key of OPTIONAL_TEXT) {
    if (problem[key] !== undefined && typeof problem[key] !== 'string') return null;
  }
  return problem as ChatProblem;
}

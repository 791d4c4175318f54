import { z } from 'zod';

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
const chatProblem = z.looseObject({
  code: z.string(),
  detail: z.string().optional(),
  needed: z.string().optional(),
  available: z.string().optional(),
});
export type ChatProblem = z.infer<typeof chatProblem>;

export function problemOf(error: Error | undefined): ChatProblem | null {
  if (!error) return null;
  try {
    const parsed = chatProblem.safeParse(JSON.parse(error.message));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { getSession, type Session } from '@/lib/auth';
import { AppError, assertStorableText, errors, toAppError, type Problem } from '@/lib/core';

/**
 * The wrapper for server actions, twin of `route`: session → zod (FormData coerced) → action,
 * returning a typed result instead of throwing, so forms can show the message.
 */

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: Problem };

export function action<S extends z.ZodType, T>(
  schema: S,
  run: (input: z.infer<S>, session: Session) => Promise<T>,
) {
  return async (input: FormData | z.input<S>): Promise<ActionResult<T>> => {
    const requestId = randomUUID();
    try {
      const session = await getSession();
      if (!session) throw errors.unauthorized();
      const raw = input instanceof FormData ? Object.fromEntries(input) : input;
      assertStorableText(raw, 'input');
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        throw new AppError(
          'validation_failed',
          first ? `${first.path.join('.') || 'input'}: ${first.message}` : 'Invalid input.',
        );
      }
      return { ok: true, data: await run(parsed.data, session) };
    } catch (error) {
      const known = toAppError(error);
      if (!known) {
        console.error(`[${requestId}] unhandled action error`, error);
        return {
          ok: false,
          error: new AppError('internal_error', 'Something went wrong on our side.').toProblem(
            requestId,
          ),
        };
      }
      return { ok: false, error: known.toProblem(requestId) };
    }
  };
}

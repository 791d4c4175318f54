import type { z } from 'zod';
import { toAppError } from './errors';
import { assertStorableText } from './text';

/**
 * Parses input with zod; a failure is a 422 AppError naming the field, like the API's. Text the
 * database cannot store (NUL, unpaired surrogates) is refused the same way.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  assertStorableText(value, 'input');
  const result = schema.safeParse(value);
  if (!result.success) throw toAppError(result.error) ?? result.error;
  return result.data;
}

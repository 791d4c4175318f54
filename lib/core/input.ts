import type { z } from 'zod';
import { toAppError } from './errors';

/** Parses input with zod; a failure is a 422 AppError naming the field, like the API's. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw toAppError(result.error) ?? result.error;
  return result.data;
}

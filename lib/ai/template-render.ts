import { z } from 'zod';
import { AppError } from '@/lib/core/errors';

/**
 * Rendering a prompt template: {{name}} placeholders filled from declared variables. Client-safe
 * (the assistant's template picker reads the placeholders of a body it is writing).
 */

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,39})\s*\}\}/g;
const DEFAULT_VARIABLE_MAX_LENGTH = 2000;

export const templateVariable = z
  .object({
    name: z.string().regex(VARIABLE_NAME, 'must be a letter or _ then letters, digits or _'),
    description: z.string().trim().max(200).optional(),
    required: z.boolean().default(true),
    default: z.string().max(20_000).optional(),
    maxLength: z.number().int().min(1).max(20_000).default(DEFAULT_VARIABLE_MAX_LENGTH),
  })
  .strict()
  .refine((v) => v.default === undefined || v.default.length <= v.maxLength, {
    message: 'The default is longer than maxLength.',
    path: ['default'],
  });
export type TemplateVariable = z.output<typeof templateVariable>;

/** The distinct variable names a body uses, in order of first use. */
export function placeholdersOf(body: string): string[] {
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

/**
 * Fills the body: unknown values, missing required values (no default) and values longer than
 * their maxLength are refused (422, listing the names). An optional variable without a value or
 * default renders as empty text.
 */
export function renderTemplate(
  template: { body: string; variables: TemplateVariable[] },
  values: Record<string, string>,
): string {
  const declared = new Map(template.variables.map((variable) => [variable.name, variable]));
  const unknown = Object.keys(values).filter((name) => !declared.has(name));
  if (unknown.length > 0) {
    throw new AppError('validation_failed', `Unknown variables: ${unknown.join(', ')}.`, {
      unknown,
    });
  }
  const filled = new Map<string, string>();
  const missing: string[] = [];
  const tooLong: { name: string; maxLength: number }[] = [];
  for (const variable of template.variables) {
    const given = values[variable.name];
    const value = given !== undefined && given.trim() !== '' ? given : variable.default;
    if (value === undefined) {
      if (variable.required) missing.push(variable.name);
      filled.set(variable.name, '');
      continue;
    }
    const maxLength = variable.maxLength ?? DEFAULT_VARIABLE_MAX_LENGTH;
    if (value.length > maxLength) tooLong.push({ name: variable.name, maxLength });
    filled.set(variable.name, value);
  }
  if (missing.length > 0) {
    throw new AppError(
      'validation_failed',
      `Fill in the required variables: ${missing.join(', ')}.`,
      {
        missing,
      },
    );
  }
  if (tooLong.length > 0) {
    throw new AppError(
      'validation_failed',
      `Too long: ${tooLong.map((v) => `${v.name} (at most ${v.maxLength} characters)`).join(', ')}.`,
      { tooLong },
    );
  }
  return template.body.replace(PLACEHOLDER, (_match, name: string) => filled.get(name) ?? '');
}

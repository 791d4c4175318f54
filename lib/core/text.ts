import { AppError } from './errors';

/**
 * Text the database cannot store, refused at the door: a NUL character (PostgreSQL text has no
 * room for U+0000) and an unpaired UTF-16 surrogate (not Unicode at all; it would be stored as a
 * replacement character, changing what the client sent). Every string of an input is checked,
 * keys included, and the first offender is named by its path (`body.messages.0.content`).
 */

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function problem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain a NUL character';
  if (LONE_SURROGATE.test(text)) return 'is not valid Unicode (an unpaired surrogate)';
  return null;
}

/** The path and reason of the first unstorable string in `value`, or null. */
export function findUnsafeText(
  value: unknown,
  at: string,
): { path: string; reason: string } | null {
  if (typeof value === 'string') {
    const reason = problem(value);
    return reason ? { path: at, reason } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findUnsafeText(value[i], `${at}.${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object' && !(value instanceof Blob)) {
    for (const [key, item] of Object.entries(value)) {
      const keyReason = problem(key);
      if (keyReason) return { path: `${at} (a field name)`, reason: keyReason };
      const found = findUnsafeText(item, `${at}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

/** Throws a 422 naming the field when `value` holds a string the database cannot store. */
export function assertStorableText(value: unknown, at: string): void {
  const found = findUnsafeText(value, at);
  if (found) {
    throw new AppError('validation_failed', `${found.path}: ${found.reason}.`, {
      errors: [{ path: found.path, message: found.reason }],
    });
  }
}

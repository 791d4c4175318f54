import 'server-only';

/**
 * The bottom layer every domain shares: the one error type, input parsing, whose data an
 * operation is about (Subject) and who runs it (Actor, runAs), JSON with bigint amounts, and the
 * one-row helper. It imports nothing above lib/db.
 */

export { AppError, errors, nextUtcMonth, toAppError, type Problem } from './errors';
export { parseInput } from './input';
export { assertStorableText } from './text';
export { subjectSchema, userSubject, orgSubject, subjectFor, type Subject } from './subject';
export { runAs, type Actor } from './actor';
export { toJson } from './json';
export { one } from './one';
export { encryptSecret, decryptSecret } from './secrets';

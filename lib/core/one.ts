/**
 * The single row a query must return: a missing or a duplicated row is a bug in the query or the
 * schema, so it fails loudly naming what was asked for instead of reading `undefined` later on.
 */
export function one<T>(rows: readonly T[], what: string): T {
  if (rows.length !== 1) {
    throw new Error(`Expected exactly one ${what}, got ${rows.length}.`);
  }
  return rows[0] as T;
}

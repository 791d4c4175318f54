/**
 * JSON for API responses. Micro-credit amounts are bigint in the app and travel as decimal
 * strings, so no amount ever loses precision in a JavaScript client.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? item.toString() : item,
  );
}

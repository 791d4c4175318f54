const encoder = new TextEncoder();

/** One server-sent event: `data: <JSON or literal>` and a blank line, as bytes. */
export function sseEvent(data: unknown): Uint8Array {
  return encoder.encode(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

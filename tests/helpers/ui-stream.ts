/** Reads an AI SDK UI message stream (SSE) response into its chunks. */

export interface UiChunk {
  type: string;
  delta?: string;
  messageMetadata?: Record<string, unknown>;
  errorText?: string;
  [key: string]: unknown;
}

export function parseSse(text: string): UiChunk[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice(6)) as UiChunk);
}

export async function readUiStream(response: Response): Promise<UiChunk[]> {
  return parseSse(await response.text());
}

/** Reads until `deltas` text deltas (1 by default) arrived, then calls `then` and reads the rest. */
export async function readUntilText(
  response: Response,
  then: () => void,
  deltas = 1,
): Promise<UiChunk[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let fired = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (!fired && text.split('"text-delta"').length - 1 >= deltas) {
      fired = true;
      then();
    }
  }
  return parseSse(text);
}

export function finishMetadata(chunks: UiChunk[]): Record<string, unknown> | undefined {
  return chunks.find((chunk) => chunk.type === 'finish')?.messageMetadata;
}

import 'server-only';
import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import { countTokensLinear } from './token-count';

/**
 * Real token counts (OpenAI's o200k_base BPE) for worst-case estimates and the local model.
 * Chat formats add a few tokens per message; the estimate adds a margin on top for providers
 * whose tokenizers differ, so a hold covers what the provider will report.
 */

let encoder: Tiktoken | undefined;

function tiktoken(): Tiktoken {
  encoder ??= new Tiktoken(o200kBase);
  return encoder;
}

export interface PromptMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Linear time whatever the text (see token-count.ts); js-tiktoken is quadratic on long runs. */
export function countTokens(text: string): number {
  return countTokensLinear(text);
}

/** Tokens of a chat prompt as OpenAI counts them: 3 to prime the reply, 4 per message. */
export function countPromptTokens(messages: readonly PromptMessage[]): number {
  return messages.reduce((sum, message) => sum + 4 + countTokens(message.content), 3);
}

/** The input side of a worst-case estimate: the count plus a 25% + 32 token margin. */
export function estimateInputTokens(messages: readonly PromptMessage[]): number {
  const counted = countPromptTokens(messages);
  return counted + Math.ceil(counted / 4) + 32;
}

/** Splits text into the text of its first `limit` tokens (multi-byte safe) and counts them. */
export function splitTokens(
  text: string,
  limit = Number.MAX_SAFE_INTEGER,
): { pieces: string[]; tokens: number } {
  const ids = tiktoken().encode(text).slice(0, limit);
  const pieces: string[] = [];
  let pending: number[] = [];
  for (const id of ids) {
    pending.push(id);
    const decoded = tiktoken().decode(pending);
    // A token that ends inside a UTF-8 character decodes to U+FFFD: wait for the next one.
    if (decoded.endsWith('\uFFFD')) continue;
    pieces.push(decoded);
    pending = [];
  }
  if (pending.length > 0) pieces.push(tiktoken().decode(pending));
  return { pieces, tokens: ids.length };
}

import 'server-only';
import {
  createUIMessageStream,
  createUIMessageStreamResponse,
  generateText,
  streamText,
  type ModelMessage,
} from 'ai';
import { AppError } from '@/lib/core';
import type { DbSession } from '@/lib/db';
import type { ChatMessage, ChatMetadata, ChatRequest } from './chat-types';
import { beginMeteredCall, type CallOutcome, type MeteredCallInput } from './metered-call';
import { choiceHeaders, type ModelChoice } from './routing';
import type { PromptMessage } from './tokenizer';

/** Chat over the metered call: streamed (UI message protocol) or as one answer. */

export function promptOf(messages: ChatRequest['messages']): PromptMessage[] {
  const prompt = messages
    .map((message) => ({
      role: message.role,
      content: message.parts
        .map((part) => (part.type === 'text' ? (part.text ?? '') : ''))
        .join(''),
    }))
    .filter((message) => message.content.trim() !== '');
  if (!prompt.some((message) => message.role === 'user')) {
    throw new AppError('validation_failed', 'Send at least one user message with text.');
  }
  return prompt;
}

/** System text goes in the `system` option, never among the messages (prompt injection). */
function modelPrompt(prompt: PromptMessage[]): { system?: string; messages: ModelMessage[] } {
  const system = prompt.filter((message) => message.role === 'system');
  const messages: ModelMessage[] = [];
  for (const message of prompt) {
    if (message.role !== 'system') messages.push({ role: message.role, content: message.content });
  }
  return {
    system: system.length > 0 ? system.map((message) => message.content).join('\n\n') : undefined,
    messages,
  };
}

function metadataOf(model: string, outcome: CallOutcome, choice: ModelChoice): ChatMetadata {
  return {
    model,
    callId: outcome.callId,
    modelChoice: { reason: choice.reason, detail: choice.detail },
    status: outcome.status,
    creditsUsed: outcome.creditsUsed.toString(),
    balance: outcome.available.toString(),
    inputTokens: outcome.usage?.inputTokens ?? 0,
    outputTokens: outcome.usage?.outputTokens ?? 0,
    cachedTokens: outcome.usage?.cachedInputTokens ?? 0,
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'error';
}

/** Called once a streamed reply's outcome is known, before its last chunk is sent (e.g. to store it). */
interface StreamChatHooks {
  onSettled?: (reply: { text: string; model: string; outcome: CallOutcome }) => Promise<void>;
}

/** Streams a reply; the last chunk carries credits used, tokens and the new balance. */
export async function streamChat(
  session: DbSession,
  input: Omit<MeteredCallInput, 'operation'>,
  clientSignal?: AbortSignal,
  hooks: StreamChatHooks = {},
): Promise<Response> {
  const call = await beginMeteredCall(session, { ...input, operation: 'chat' }, clientSignal);
  const model = call.context.modelId;
  const stream = createUIMessageStream<ChatMessage>({
    execute: async ({ writer }) => {
      const result = streamText({
        model: call.model,
        ...modelPrompt(call.prompt),
        maxOutputTokens: call.maxOutputTokens,
        abortSignal: call.signal,
        maxRetries: 0,
        onError: ({ error }) => console.warn('[ai] stream failed', call.callId, errorName(error)),
      });
      const chunks = result.toUIMessageStream<ChatMessage>({
        sendFinish: false,
        messageMetadata: ({ part }) => (part.type === 'start' ? { model } : undefined),
        onError: () => 'The model provider failed. You were not charged for unused credits.',
      });
      let text = '';
      try {
        for await (const chunk of chunks) {
          if (chunk.type === 'text-delta') text += chunk.delta;
          writer.write(chunk);
        }
      } catch {
        writer.write({ type: 'error', errorText: 'The model provider failed mid-reply.' });
      }
      const outcome = await call.outcome;
      // A failure to keep the reply must not lose the answer the caller already paid for.
      await hooks.onSettled?.({ text, model, outcome }).catch((error: unknown) => {
        console.error('[ai] storing the reply failed', call.callId, errorName(error));
      });
      writer.write({ type: 'finish', messageMetadata: metadataOf(model, outcome, call.choice) });
      // The last chunk is out; the stream closes once the settlement has committed.
      await call.settled.catch(() => {});
    },
    onError: () => 'The reply could not be completed.',
  });
  return createUIMessageStreamResponse({
    stream,
    headers: {
      'x-call-id': call.callId,
      'cache-control': 'no-store',
      'server-timing': call.serverTiming,
      ...choiceHeaders(call.choice),
    },
  });
}

/** One answer (no streaming); provider failures become 503 after the hold is settled. */
export async function generateChat(
  session: DbSession,
  input: MeteredCallInput,
  clientSignal?: AbortSignal,
): Promise<{ text: string; outcome: CallOutcome; model: string; choice: ModelChoice }> {
  const call = await beginMeteredCall(session, input, clientSignal);
  try {
    const result = await generateText({
      model: call.model,
      ...modelPrompt(call.prompt),
      maxOutputTokens: call.maxOutputTokens,
      abortSignal: call.signal,
      maxRetries: 0,
    });
    return {
      text: result.text,
      outcome: await call.settled,
      model: call.context.modelId,
      choice: call.choice,
    };
  } catch (error) {
    const outcome = await call.settled.catch(() => null);
    throw new AppError('unavailable', 'The model provider failed; unused credits were released.', {
      callId: call.callId,
      creditsUsed: outcome?.creditsUsed.toString() ?? null,
      cause: error instanceof Error ? error.name : 'error',
    });
  }
}

import 'server-only';
import type { LanguageModelV3Prompt } from '@ai-sdk/provider';
import { generateText, UI_MESSAGE_STREAM_HEADERS } from 'ai';
import { AppError } from '@/lib/core';
import type { DbSession } from '@/lib/db';
import type { ChatMetadata, ChatRequest } from './chat-types';
import { beginMeteredCall, type CallOutcome, type MeteredCallInput } from './metered-call';
import { choiceHeaders, type ModelChoice } from './routing';
import type { PromptMessage } from './tokenizer';
import { uiReplyStream } from './ui-stream';

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
function modelPrompt(prompt: PromptMessage[]): {
  system?: string;
  messages: { role: 'user' | 'assistant'; content: string }[];
} {
  const system = prompt.filter((message) => message.role === 'system');
  const messages: { role: 'user' | 'assistant'; content: string }[] = [];
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

/** The prompt as the provider's stream takes it: the system text first, then the turns. */
function providerPrompt(prompt: PromptMessage[]): LanguageModelV3Prompt {
  const { system, messages } = modelPrompt(prompt);
  const turns: LanguageModelV3Prompt = messages.map(({ role, content }) => ({
    role,
    content: [{ type: 'text', text: content }],
  }));
  return system === undefined ? turns : [{ role: 'system', content: system }, ...turns];
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
  const body = uiReplyStream<ChatMetadata>({
    model: call.model,
    options: {
      prompt: providerPrompt(call.prompt),
      maxOutputTokens: call.maxOutputTokens,
      abortSignal: call.signal,
    },
    startMetadata: { model },
    finish: async (text) => {
      const outcome = await call.outcome;
      // A failure to keep the reply must not lose the answer the caller already paid for.
      await hooks.onSettled?.({ text, model, outcome }).catch((error: unknown) => {
        console.error('[ai] storing the reply failed', call.callId, errorName(error));
      });
      return metadataOf(model, outcome, call.choice);
    },
    // The last chunk is out; the stream closes once the settlement has committed.
    closeAfter: () =>
      call.settled.then(
        () => {},
        () => {},
      ),
    onError: (error) => console.warn('[ai] stream failed', call.callId, errorName(error)),
  });
  return new Response(body, {
    headers: {
      ...UI_MESSAGE_STREAM_HEADERS,
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

import 'server-only';
import type {
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3StreamPart,
} from '@ai-sdk/provider';
import { AppError, type Subject } from '@/lib/core';
import type { DbSession } from '@/lib/db';
import { beginMeteredCall, type CallOutcome } from './metered-call';
import { callOptions, countedPrompt } from './openai-request';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from './openai-types';
import { sseEvent } from './sse';

/**
 * Chat completions in OpenAI's wire format over the one metered call: the request becomes the
 * provider call's options (messages, tools, response format, sampling) and the answer OpenAI's
 * `chat.completion` object or its `chat.completion.chunk` stream. Admission, hold, settlement and
 * the usage record are the gateway's, exactly as for the assistant.
 */

type FinishReason = ChatCompletion['choices'][number]['finish_reason'];

function finishReason(reason: LanguageModelV3FinishReason | undefined): FinishReason {
  switch (reason?.unified) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

function usageOf(outcome: CallOutcome): ChatCompletion['usage'] {
  const input = outcome.usage?.inputTokens ?? 0;
  const output = outcome.usage?.outputTokens ?? 0;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: outcome.usage?.cachedInputTokens ?? 0 },
  };
}

function billingOf(outcome: CallOutcome): ChatCompletion['tollgate'] {
  return {
    credits_used: outcome.creditsUsed.toString(),
    balance: outcome.available.toString(),
    status: outcome.status,
  };
}

interface ChatCall {
  session: DbSession;
  subject: Subject;
  body: ChatCompletionRequest;
  signal?: AbortSignal;
}

async function begin({ session, subject, body, signal }: ChatCall) {
  return beginMeteredCall(
    session,
    {
      model: body.model,
      orgId: subject.kind === 'org' ? subject.id : null,
      feature: 'api',
      operation: 'chat',
      prompt: countedPrompt(body),
      maxOutputTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    },
    signal,
  );
}

function providerFailed(callId: string, outcome: CallOutcome | null, error: unknown): AppError {
  return new AppError('unavailable', 'The model provider failed; unused credits were released.', {
    callId,
    creditsUsed: outcome?.creditsUsed.toString() ?? null,
    cause: error instanceof Error ? error.name : 'error',
  });
}

/** One chat completion, not streamed. */
export async function createChatCompletion(call: ChatCall): Promise<ChatCompletion> {
  const metered = await begin(call);
  let content: LanguageModelV3Content[];
  let reason: LanguageModelV3FinishReason;
  try {
    const result = await metered.model.doGenerate(
      callOptions(call.body, metered.maxOutputTokens, metered.signal),
    );
    [content, reason] = [result.content, result.finishReason];
  } catch (error) {
    throw providerFailed(metered.callId, await metered.settled.catch(() => null), error);
  }
  const outcome = await metered.settled;
  const text = content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  const toolCalls = content.flatMap((part) =>
    part.type === 'tool-call'
      ? [
          {
            id: part.toolCallId,
            type: 'function' as const,
            function: { name: part.toolName, arguments: part.input },
          },
        ]
      : [],
  );
  return {
    id: `chatcmpl-${metered.callId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: metered.context.modelId,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finishReason(reason),
        logprobs: null,
      },
    ],
    usage: usageOf(outcome),
    tollgate: billingOf(outcome),
  };
}

interface OpenAiStreamError {
  error: { message: string; type: string; param: null; code: string };
}

const streamError = (message: string): OpenAiStreamError => ({
  error: { message, type: 'server_error', param: null, code: 'provider_error' },
});

/**
 * A streamed chat completion: server-sent events of `chat.completion.chunk`, then (with
 * `stream_options.include_usage`) a last chunk with the usage the call was settled by, then
 * `[DONE]`. A client that stops reading stops the provider call, and the gateway charges what it
 * counted.
 */
export async function streamChatCompletion(call: ChatCall): Promise<Response> {
  const metered = await begin(call);
  let parts: ReadableStreamDefaultReader<LanguageModelV3StreamPart>;
  try {
    const result = await metered.model.doStream(
      callOptions(call.body, metered.maxOutputTokens, metered.signal),
    );
    parts = result.stream.getReader();
  } catch (error) {
    throw providerFailed(metered.callId, await metered.settled.catch(() => null), error);
  }
  const base = {
    id: `chatcmpl-${metered.callId}`,
    object: 'chat.completion.chunk' as const,
    created: Math.floor(Date.now() / 1000),
    model: metered.context.modelId,
  };
  const chunk = (
    delta: ChatCompletionChunk['choices'][number]['delta'],
    finish: FinishReason | null = null,
  ): ChatCompletionChunk => ({
    ...base,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const toolIndex = new Map<string, number>();
  const includeUsage = call.body.stream_options?.include_usage === true;

  const finish = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    const outcome = await metered.outcome.catch(() => null);
    if (includeUsage && outcome) {
      controller.enqueue(
        sseEvent({ ...base, choices: [], usage: usageOf(outcome), tollgate: billingOf(outcome) }),
      );
    }
    controller.enqueue(sseEvent('[DONE]'));
    // The last chunk is out; the stream closes once the settlement has committed.
    await metered.settled.catch(() => {});
    controller.close();
  };
  const fail = (message: string) => sseEvent(streamError(message));

  /** The OpenAI chunk for a provider stream part, or null for parts OpenAI has no chunk for. */
  const chunkOf = (
    value: LanguageModelV3StreamPart,
  ): ChatCompletionChunk | OpenAiStreamError | null => {
    switch (value.type) {
      case 'text-delta':
        return value.delta ? chunk({ content: value.delta }) : null;
      case 'tool-input-start': {
        const index = toolIndex.size;
        toolIndex.set(value.id, index);
        return chunk({
          tool_calls: [
            {
              index,
              id: value.id,
              type: 'function',
              function: { name: value.toolName, arguments: '' },
            },
          ],
        });
      }
      case 'tool-input-delta': {
        const index = toolIndex.get(value.id);
        return index !== undefined && value.delta
          ? chunk({ tool_calls: [{ index, function: { arguments: value.delta } }] })
          : null;
      }
      case 'tool-call': {
        if (toolIndex.has(value.toolCallId)) return null;
        const index = toolIndex.size;
        toolIndex.set(value.toolCallId, index);
        return chunk({
          tool_calls: [
            {
              index,
              id: value.toolCallId,
              type: 'function',
              function: { name: value.toolName, arguments: value.input },
            },
          ],
        });
      }
      case 'finish':
        return chunk({}, finishReason(value.finishReason));
      case 'error':
        return streamError('The model provider failed mid-reply.');
      default:
        return null;
    }
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(sseEvent(chunk({ role: 'assistant', content: '' })));
    },
    async pull(controller) {
      // Parts that become no chunk (stream-start, metadata) are skipped within one pull: a pull
      // that enqueues nothing is not called again.
      for (;;) {
        let part: ReadableStreamReadResult<LanguageModelV3StreamPart>;
        try {
          part = await parts.read();
        } catch {
          controller.enqueue(fail('The model provider failed mid-reply.'));
          return finish(controller);
        }
        if (part.done) return finish(controller);
        const out = chunkOf(part.value);
        if (out) {
          controller.enqueue(sseEvent(out));
          return;
        }
      }
    },
    async cancel(reason) {
      await parts.cancel(reason);
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-call-id': metered.callId,
      'server-timing': metered.serverTiming,
    },
  });
}

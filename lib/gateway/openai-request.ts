import 'server-only';
import type { LanguageModelV3CallOptions, LanguageModelV3Message } from '@ai-sdk/provider';
import { AppError } from '@/lib/core';
import type { ChatCompletionRequest, OpenAiChatMessage } from './openai-types';
import type { PromptMessage } from './tokenizer';

/**
 * An OpenAI chat completions request as the provider call's options (messages, tools, response
 * format, sampling), and as the prompt the gateway counts and moderates.
 */

function contentText(content: OpenAiChatMessage['content'] | null | undefined): string {
  if (content == null) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

/** What the gateway counts, holds for and moderates: every message's text, tools included. */
export function countedPrompt(body: ChatCompletionRequest): PromptMessage[] {
  const prompt: PromptMessage[] = body.messages.map((message) => {
    if (message.role === 'assistant') {
      const calls = message.tool_calls?.map((call) => JSON.stringify(call.function)) ?? [];
      return { role: 'assistant', content: [contentText(message.content), ...calls].join('\n') };
    }
    if (message.role === 'tool') return { role: 'user', content: contentText(message.content) };
    if (message.role === 'developer')
      return { role: 'system', content: contentText(message.content) };
    return { role: message.role, content: contentText(message.content) };
  });
  if (body.tools?.length) prompt.push({ role: 'system', content: JSON.stringify(body.tools) });
  if (body.response_format?.type === 'json_schema') {
    prompt.push({ role: 'system', content: JSON.stringify(body.response_format.json_schema) });
  }
  return prompt;
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('bad_request', 'A tool call’s arguments must be JSON.', {
      param: 'messages',
    });
  }
}

function providerPrompt(messages: OpenAiChatMessage[]): LanguageModelV3Message[] {
  const toolNames = new Map<string, string>();
  return messages.map((message): LanguageModelV3Message => {
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: contentText(message.content) };
      case 'user':
        return { role: 'user', content: [{ type: 'text', text: contentText(message.content) }] };
      case 'assistant': {
        const text = contentText(message.content);
        const calls = (message.tool_calls ?? []).map((call) => {
          toolNames.set(call.id, call.function.name);
          return {
            type: 'tool-call' as const,
            toolCallId: call.id,
            toolName: call.function.name,
            input: parseArguments(call.function.arguments),
          };
        });
        return {
          role: 'assistant',
          content: [...(text ? [{ type: 'text' as const, text }] : []), ...calls],
        };
      }
      case 'tool':
        return {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: message.tool_call_id,
              toolName: toolNames.get(message.tool_call_id) ?? 'tool',
              output: { type: 'text', value: contentText(message.content) },
            },
          ],
        };
    }
  });
}

export function callOptions(
  body: ChatCompletionRequest,
  maxOutputTokens: number,
  abortSignal: AbortSignal,
): LanguageModelV3CallOptions {
  const format = body.response_format;
  const choice = body.tool_choice;
  return {
    prompt: providerPrompt(body.messages),
    maxOutputTokens,
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    stopSequences: typeof body.stop === 'string' ? [body.stop] : (body.stop ?? undefined),
    presencePenalty: body.presence_penalty ?? undefined,
    frequencyPenalty: body.frequency_penalty ?? undefined,
    seed: body.seed ?? undefined,
    tools: body.tools?.map((tool) => ({
      type: 'function' as const,
      name: tool.function.name,
      description: tool.function.description,
      inputSchema: (tool.function.parameters ?? { type: 'object', properties: {} }) as object,
    })),
    toolChoice:
      choice == null
        ? undefined
        : typeof choice === 'string'
          ? { type: choice }
          : { type: 'tool', toolName: choice.function.name },
    responseFormat:
      format == null || format.type === 'text'
        ? undefined
        : format.type === 'json_object'
          ? { type: 'json' }
          : {
              type: 'json',
              name: format.json_schema.name,
              description: format.json_schema.description,
              schema: format.json_schema.schema as object | undefined,
            },
    abortSignal,
  };
}

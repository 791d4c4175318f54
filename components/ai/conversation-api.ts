import type { ChatMessage } from '@/lib/gateway/chat-types';
import type { TemplateVariable } from '@/lib/ai/template-render';
import { callApi } from '@/lib/api/client';

/**
 * The assistant page's client for the conversations and templates API: plain JSON shapes (dates as
 * ISO text, micro-credits as decimal strings) and the conversion of stored messages to chat ones.
 */

export interface ConversationSummary {
  id: string;
  title: string | null;
  orgId: string | null;
  model: string | null;
  updatedAt: string;
}

export interface StoredMessage {
  id: string;
  role: 'user' | 'assistant' | 'system';
  content: string;
  model: string | null;
  status: 'charged' | 'voided' | 'counted' | 'held' | 'cached' | 'byok' | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  creditsCharged: string;
}

export interface TemplateSummary {
  id: string;
  name: string;
  description: string | null;
  variables: TemplateVariable[];
  visibility: 'private' | 'public';
  mine: boolean;
}

export const conversationKeys = {
  list: ['ai', 'conversations'] as const,
  templates: ['ai', 'templates'] as const,
};

/** A JSON call of the assistant's APIs; a failure throws lib/api/client's ApiError. */
export async function apiJson<T>(url: string, init: { method?: string; body?: unknown } = {}) {
  const body = await callApi(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return body as T;
}

export const conversationsApi = {
  list: () =>
    apiJson<{ conversations: ConversationSummary[] }>('/api/ai/conversations?limit=100').then(
      (page) => page.conversations,
    ),
  get: (id: string) =>
    apiJson<{ conversation: ConversationSummary & { messages: StoredMessage[] } }>(
      `/api/ai/conversations/${id}`,
    ).then((page) => page.conversation),
  create: (body: { orgId: string | null; model: string }) =>
    apiJson<{ conversation: ConversationSummary }>('/api/ai/conversations', { body }).then(
      (page) => page.conversation,
    ),
  rename: (id: string, title: string) =>
    apiJson(`/api/ai/conversations/${id}`, { method: 'PATCH', body: { title } }),
  remove: (id: string) => apiJson(`/api/ai/conversations/${id}`, { method: 'DELETE' }),
};

export const templatesApi = {
  list: () =>
    apiJson<{ templates: TemplateSummary[] }>('/api/ai/templates').then((page) => page.templates),
  create: (body: {
    name: string;
    body: string;
    visibility: 'private' | 'public';
    variables: { name: string; required: boolean }[];
  }) =>
    apiJson<{ template: TemplateSummary }>('/api/ai/templates', { body }).then(
      (page) => page.template,
    ),
  render: (id: string, values: Record<string, string>) =>
    apiJson<{ text: string }>(`/api/ai/templates/${id}/render`, { body: { values } }).then(
      (page) => page.text,
    ),
};

/** Stored messages as the chat shows them; a reply keeps its tokens and credits. */
export function toChatMessages(messages: StoredMessage[]): ChatMessage[] {
  return messages.map((message) => ({
    id: `stored-${message.id}`,
    role: message.role,
    parts: [{ type: 'text' as const, text: message.content }],
    metadata:
      message.role === 'assistant' && message.status !== null
        ? {
            model: message.model ?? '',
            status: message.status,
            creditsUsed: message.creditsCharged,
            inputTokens: message.inputTokens,
            outputTokens: message.outputTokens,
            cachedTokens: message.cachedTokens,
          }
        : undefined,
  }));
}

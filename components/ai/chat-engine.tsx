'use client';

import { useEffect } from 'react';
import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';
import type { ChatMessage as Message } from '@/lib/gateway/chat-types';

/**
 * The streaming half of a chat (the AI SDK's useChat and its transport), apart from the panel
 * so that the assistant page draws and takes input before this code arrives: ./chat-panel loads
 * it once the page is idle, or at once when the composer is used. It renders nothing; it reports
 * the chat's state and hands over its actions.
 */

// Imported system messages stay in the history on screen; callers never send system text.
const transport = new DefaultChatTransport<Message>({
  api: '/api/ai/chat',
  prepareSendMessagesRequest: ({ id, messages, body, trigger, messageId }) => ({
    body: {
      ...body,
      id,
      trigger,
      messageId,
      messages: messages.filter((message) => message.role !== 'system'),
    },
  }),
});

type Chat = ReturnType<typeof useChat<Message>>;

export type ChatState = Pick<Chat, 'messages' | 'status' | 'error'>;
export type ChatActions = Pick<Chat, 'sendMessage' | 'stop' | 'clearError' | 'setMessages'>;

export function ChatEngine({
  chatId,
  initialMessages,
  onFinish,
  onError,
  onState,
  onReady,
}: {
  chatId: string;
  initialMessages: Message[];
  onFinish: () => void;
  onError: (failure: Error) => void;
  onState: (state: ChatState) => void;
  onReady: (actions: ChatActions) => void;
}) {
  const { messages, status, error, sendMessage, stop, clearError, setMessages } = useChat<Message>({
    id: chatId,
    messages: initialMessages,
    transport,
    onFinish,
    onError,
  });
  useEffect(() => {
    onState({ messages, status, error });
  }, [onState, messages, status, error]);
  useEffect(() => {
    onReady({ sendMessage, stop, clearError, setMessages });
  }, [onReady, sendMessage, stop, clearError, setMessages]);
  return null;
}

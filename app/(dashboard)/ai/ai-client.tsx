'use client';

import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChatMessage as Message } from '@/lib/gateway/chat-types';
import { ChatPanel } from '@/components/ai/chat-panel';
import { useWalletChoice } from '@/components/credits/wallet-choice';
import {
  conversationKeys,
  conversationsApi,
  toChatMessages,
  type ConversationSummary,
  type StoredMessage,
} from '@/components/ai/conversation-api';
import { ConversationList } from '@/components/ai/conversation-list';
import type { ModelOption } from '@/components/ai/model-options';
import { Alert, AlertDescription } from '@/components/ui/alert';

interface OpenChat {
  /** Remounts the chat when it changes (switching chats), not when a new chat gets its id. */
  key: string;
  conversationId: string | null;
  messages: Message[];
  model: string;
  orgId: string;
}

let fresh = 0;
const newChat = (model: string, orgId: string): OpenChat => ({
  key: `new-${(fresh += 1)}`,
  conversationId: null,
  messages: [],
  model,
  orgId,
});

/** Keeps the address bar on the open chat, so a reload comes back to it. */
function showInAddressBar(conversationId: string | null) {
  window.history.replaceState(null, '', conversationId ? `/ai?c=${conversationId}` : '/ai');
}

/** The assistant: the viewer's chats beside the open one; every turn is saved with its cost. */
export function AiClient({
  initialModels,
  initialModel,
  orgs,
  initialConversations,
  initialConversation,
}: {
  /** The models of the wallet the page started on ('' personal, else an org id). */
  initialModels: { orgId: string; models: ModelOption[] };
  initialModel: string;
  orgs: { id: string; name: string; slug?: string }[];
  initialConversations: ConversationSummary[];
  initialConversation: (ConversationSummary & { messages: StoredMessage[] }) | null;
}) {
  const queryClient = useQueryClient();
  const { orgId: walletOrgId } = useWalletChoice();
  // A chat's model the wallet no longer allows is replaced in the chat's picker (useModelOptions).
  const usable = (id: string | null) => id || initialModel;
  const [chat, setChat] = useState<OpenChat>(() =>
    initialConversation
      ? {
          key: initialConversation.id,
          conversationId: initialConversation.id,
          messages: toChatMessages(initialConversation.messages),
          model: usable(initialConversation.model),
          orgId: initialConversation.orgId ?? '',
        }
      : newChat(initialModel, walletOrgId),
  );
  const [busy, setBusy] = useState(false);
  const [switchError, setSwitchError] = useState<string | null>(null);
  const conversations = useQuery({
    queryKey: conversationKeys.list,
    queryFn: conversationsApi.list,
    initialData: initialConversations,
    staleTime: 30_000,
  });
  const refreshList = () => void queryClient.invalidateQueries({ queryKey: conversationKeys.list });

  async function open(id: string) {
    if (id === chat.conversationId) return;
    setSwitchError(null);
    try {
      const conversation = await conversationsApi.get(id);
      setChat({
        key: conversation.id,
        conversationId: conversation.id,
        messages: toChatMessages(conversation.messages),
        model: usable(conversation.model),
        orgId: conversation.orgId ?? '',
      });
      showInAddressBar(conversation.id);
    } catch (caught) {
      setSwitchError(caught instanceof Error ? caught.message : 'The chat could not be opened.');
      refreshList();
    }
  }

  function startNew() {
    setSwitchError(null);
    setChat(newChat(initialModel, walletOrgId));
    showInAddressBar(null);
  }

  return (
    <div className="grid min-w-0 gap-4 lg:grid-cols-[16rem_minmax(0,1fr)] lg:gap-6">
      <div className="min-w-0">
        <ConversationList
          conversations={conversations.data}
          activeId={chat.conversationId}
          disabled={busy}
          onSelect={(id) => void open(id)}
          onNew={startNew}
          onRename={async (id, title) => {
            await conversationsApi.rename(id, title);
            refreshList();
          }}
          onDelete={async (id) => {
            await conversationsApi.remove(id);
            if (id === chat.conversationId) startNew();
            refreshList();
          }}
        />
      </div>
      <div className="flex min-w-0 flex-col gap-4">
        {switchError ? (
          <Alert variant="destructive" role="alert">
            <AlertDescription>{switchError}</AlertDescription>
          </Alert>
        ) : null}
        <ChatPanel
          key={chat.key}
          chatId={chat.key}
          conversationId={chat.conversationId}
          initialMessages={chat.messages}
          initialModels={initialModels}
          initialModel={chat.model}
          initialOrgId={chat.orgId}
          orgs={orgs}
          onBusyChange={setBusy}
          onConversationCreated={(conversation) => {
            setChat((current) => ({ ...current, conversationId: conversation.id }));
            queryClient.setQueryData<ConversationSummary[]>(conversationKeys.list, (list) => [
              conversation,
              ...(list ?? []),
            ]);
            showInAddressBar(conversation.id);
          }}
          onTurnSettled={refreshList}
        />
      </div>
    </div>
  );
}

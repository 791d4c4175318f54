'use client';

import { lazy, Suspense, useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { MessageSquare, Send, Square } from 'lucide-react';
import type { ChatMessage as Message } from '@/lib/gateway/chat-types';
import { invalidateCredits } from '@/components/credits/queries';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Label } from '@/components/ui/label';
import { cn } from '@/lib/utils';
import type { ChatActions, ChatState } from './chat-engine';
import { ChatMessage } from './chat-message';
import { conversationsApi, type ConversationSummary } from './conversation-api';
import { ModelPicker } from './model-picker';
import { problemOf, type ModelOption } from './model-options';
import { useModelOptions } from './use-model-options';
import { RefusalNotice, creditsHref, isRefusal } from './refusal-notice';
import { TemplatePicker } from './template-picker';
import { WalletPicker } from './wallet-picker';

// The AI SDK's chat (./chat-engine) is not part of the page's first load: it is fetched once the
// page is idle, or at once when the composer gets focus, the pointer, or a message to send.
const ChatEngine = lazy(() =>
  import('./chat-engine').then((module) => ({ default: module.ChatEngine })),
);

/**
 * One chat: model and wallet pickers, messages with their cost, composer. The first message of
 * a new chat creates its conversation, so every turn is stored and survives a reload. The model
 * picker lists what the caller may use in the wallet that pays, and follows a change of wallet.
 */
export function ChatPanel({
  chatId,
  conversationId: initialConversationId,
  initialMessages,
  initialModels,
  initialModel,
  initialOrgId,
  orgs,
  onConversationCreated,
  onTurnSettled,
  onBusyChange,
}: {
  chatId: string;
  conversationId: string | null;
  initialMessages: Message[];
  /** The models of the wallet the page started on ('' personal, else an org id). */
  initialModels: { orgId: string; models: ModelOption[] };
  initialModel: string;
  initialOrgId: string;
  orgs: { id: string; name: string; slug?: string }[];
  onConversationCreated: (conversation: ConversationSummary) => void;
  onTurnSettled: () => void;
  onBusyChange?: (busy: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const [chosenModel, setModel] = useState(initialModel);
  const [orgId, setOrgId] = useState(initialOrgId);
  const {
    models,
    model,
    loading: modelsLoading,
    error: modelsError,
  } = useModelOptions({ orgId, capability: 'chat', initial: initialModels, chosen: chosenModel });
  const [draft, setDraft] = useState('');
  const [startError, setStartError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const conversationId = useRef(initialConversationId);
  const [chat, setChat] = useState<ChatState>({
    messages: initialMessages,
    status: 'ready',
    error: undefined,
  });
  const { messages, status, error } = chat;
  // The engine's actions once it is mounted, and the turns waiting for it until then.
  const [engineWanted, setEngineWanted] = useState(false);
  const actions = useRef<ChatActions | null>(null);
  const waiting = useRef<((actions: ChatActions) => void)[]>([]);
  const onReady = useCallback((ready: ChatActions) => {
    actions.current = ready;
    for (const resolve of waiting.current.splice(0)) resolve(ready);
  }, []);
  const wantEngine = () => setEngineWanted(true);
  useEffect(() => {
    if (typeof window.requestIdleCallback !== 'function') {
      const timer = window.setTimeout(wantEngine, 200);
      return () => window.clearTimeout(timer);
    }
    const idle = window.requestIdleCallback(wantEngine, { timeout: 2000 });
    return () => window.cancelIdleCallback(idle);
  }, []);

  function engine(): Promise<ChatActions> {
    wantEngine();
    if (actions.current) return Promise.resolve(actions.current);
    return new Promise((resolve) => waiting.current.push(resolve));
  }

  function onFinish() {
    void invalidateCredits(queryClient);
    onTurnSettled();
    onBusyChange?.(false);
  }

  function onError(failure: Error) {
    // A refused prompt is not kept (the server deletes it too): it goes back to the composer.
    if (problemOf(failure)) {
      actions.current?.setMessages((current) => {
        const last = current.at(-1);
        if (last?.role !== 'user') return current;
        const text = last.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
        setDraft((draft) => draft || text);
        return current.slice(0, -1);
      });
    }
    void invalidateCredits(queryClient);
    onTurnSettled();
    onBusyChange?.(false);
  }

  const busy = starting || status === 'submitted' || status === 'streaming';
  const problem = problemOf(error);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = draft.trim();
    if (!text || busy || !model || modelsLoading) return;
    actions.current?.clearError();
    setStartError(null);
    onBusyChange?.(true);
    const ready = engine();
    if (!conversationId.current) {
      setStarting(true);
      try {
        const created = await conversationsApi.create({ orgId: orgId || null, model });
        conversationId.current = created.id;
        onConversationCreated(created);
      } catch (caught) {
        setStartError(caught instanceof Error ? caught.message : 'The chat could not be started.');
        onBusyChange?.(false);
        return;
      } finally {
        setStarting(false);
      }
    }
    setDraft('');
    const body = { model, conversationId: conversationId.current, ...(orgId ? { orgId } : {}) };
    if (!actions.current) {
      // The engine is still on its way (a slow network): the turn is busy until it arrives.
      setStarting(true);
      await ready.finally(() => setStarting(false));
    }
    const { sendMessage } = await ready;
    void sendMessage({ text }, { body });
  }

  return (
    <div className="flex min-w-0 flex-col gap-4">
      <div className={cn('grid min-w-0 gap-4', orgs.length > 0 && 'sm:grid-cols-2')}>
        <ModelPicker
          models={models}
          value={model}
          onChange={setModel}
          disabled={busy || modelsLoading}
          error={modelsError}
        />
        <WalletPicker orgs={orgs} value={orgId} onChange={setOrgId} disabled={busy} />
      </div>
      <Card>
        <CardContent className="flex flex-col gap-4 p-3 sm:p-4">
          {messages.length === 0 ? (
            <EmptyState
              icon={MessageSquare}
              title="Ask anything"
              description="Replies stream in; each one shows its tokens and what it cost. Your chats are saved."
            />
          ) : (
            <ol
              className="flex flex-col gap-4"
              aria-label="Conversation"
              aria-live="polite"
              aria-busy={busy}
            >
              {messages.map((message) => (
                <ChatMessage key={message.id} message={message} />
              ))}
            </ol>
          )}
          {problem && isRefusal(problem) ? (
            <RefusalNotice refusal={problem} creditsHref={creditsHref(orgs, orgId)} />
          ) : error || startError ? (
            <Alert variant="destructive" role="alert">
              <AlertDescription>
                {startError ??
                  problem?.detail ??
                  'The reply could not be completed. Please try again.'}
              </AlertDescription>
            </Alert>
          ) : null}
          <form
            onSubmit={submit}
            onFocus={wantEngine}
            onPointerEnter={wantEngine}
            className="flex flex-col gap-2"
          >
            <Label htmlFor="ai-prompt" className="sr-only">
              Message
            </Label>
            <textarea
              id="ai-prompt"
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && !event.shiftKey) {
                  event.preventDefault();
                  event.currentTarget.form?.requestSubmit();
                }
              }}
              rows={3}
              maxLength={8000}
              placeholder="Write a message…"
              className="border-input bg-background focus-visible:outline-ring w-full resize-y rounded-md border px-3 py-2 text-sm shadow-xs focus-visible:outline-2 focus-visible:outline-offset-1"
            />
            <div className="flex flex-wrap justify-between gap-2">
              <TemplatePicker onInsert={setDraft} disabled={busy} />
              <div className="flex gap-2">
                {busy ? (
                  <Button
                    type="button"
                    variant="outline"
                    onClick={() => void actions.current?.stop()}
                  >
                    <Square aria-hidden="true" className="size-4" />
                    Stop
                  </Button>
                ) : null}
                <Button type="submit" disabled={busy || !draft.trim() || !model || modelsLoading}>
                  <Send aria-hidden="true" className="size-4" />
                  Send
                </Button>
              </div>
            </div>
          </form>
        </CardContent>
      </Card>
      {engineWanted ? (
        <Suspense fallback={null}>
          <ChatEngine
            chatId={chatId}
            initialMessages={initialMessages}
            onFinish={onFinish}
            onError={onError}
            onState={setChat}
            onReady={onReady}
          />
        </Suspense>
      ) : null}
    </div>
  );
}

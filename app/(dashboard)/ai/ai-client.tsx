'use client';

import { useState, type FormEvent } from 'react';
import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';
import { useQueryClient } from '@tanstack/react-query';
import { MessageSquare, Send, Square } from 'lucide-react';
import type { ChatMessage as Message } from '@/lib/ai/chat-types';
import { invalidateCredits } from '@/components/credits/queries';
import { BuyCreditsPrompt } from '@/components/ai/buy-credits-prompt';
import { ChatMessage } from '@/components/ai/chat-message';
import { ModelPicker } from '@/components/ai/model-picker';
import { problemOf, type ModelOption } from '@/components/ai/model-options';
import { WalletPicker } from '@/components/ai/wallet-picker';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Label } from '@/components/ui/label';
import { cn } from '@/lib/utils';

const transport = new DefaultChatTransport<Message>({ api: '/api/ai/chat' });

/** The chat: model picker, messages with their cost, composer; the header balance follows. */
export function AiClient({
  models,
  initialModel,
  orgs,
}: {
  models: ModelOption[];
  initialModel: string;
  orgs: { id: string; name: string }[];
}) {
  const queryClient = useQueryClient();
  const [model, setModel] = useState(initialModel);
  const [orgId, setOrgId] = useState('');
  const [draft, setDraft] = useState('');
  const { messages, sendMessage, status, error, stop, clearError } = useChat<Message>({
    transport,
    onFinish: () => void invalidateCredits(queryClient),
    onError: () => void invalidateCredits(queryClient),
  });
  const busy = status === 'submitted' || status === 'streaming';
  const problem = problemOf(error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = draft.trim();
    if (!text || busy || !model) return;
    clearError();
    setDraft('');
    void sendMessage({ text }, { body: orgId ? { model, orgId } : { model } });
  }

  return (
    <div className="flex min-w-0 flex-col gap-4">
      <div className={cn('grid min-w-0 gap-4', orgs.length > 0 && 'sm:grid-cols-2')}>
        <ModelPicker models={models} value={model} onChange={setModel} disabled={busy} />
        <WalletPicker orgs={orgs} value={orgId} onChange={setOrgId} disabled={busy} />
      </div>
      <Card>
        <CardContent className="flex flex-col gap-4 p-3 sm:p-4">
          {messages.length === 0 ? (
            <EmptyState
              icon={MessageSquare}
              title="Ask anything"
              description="Replies stream in; each one shows its tokens and what it cost."
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
          {problem?.code === 'insufficient_credits' ? (
            <BuyCreditsPrompt problem={problem} />
          ) : error ? (
            <Alert variant="destructive" role="alert">
              <AlertDescription>
                {problem?.detail ?? 'The reply could not be completed. Please try again.'}
              </AlertDescription>
            </Alert>
          ) : null}
          <form onSubmit={submit} className="flex flex-col gap-2">
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
            <div className="flex justify-end gap-2">
              {busy ? (
                <Button type="button" variant="outline" onClick={() => void stop()}>
                  <Square aria-hidden="true" className="size-4" />
                  Stop
                </Button>
              ) : null}
              <Button type="submit" disabled={busy || !draft.trim() || !model}>
                <Send aria-hidden="true" className="size-4" />
                Send
              </Button>
            </div>
          </form>
        </CardContent>
      </Card>
    </div>
  );
}

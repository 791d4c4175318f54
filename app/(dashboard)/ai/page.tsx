import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { userSubject } from '@/lib/core';
import { getConversationWithMessages, listConversations, type Conversation } from '@/lib/ai';
import { modelsFor } from '@/lib/gateway';
import { toAppError } from '@/lib/core';
import type { ConversationSummary, StoredMessage } from '@/components/ai/conversation-api';
import type { ModelOption } from '@/components/ai/model-options';
import { AiClient } from './ai-client';

export const metadata: Metadata = { title: 'AI Assistant' };

const summaryOf = (conversation: Conversation): ConversationSummary => ({
  id: conversation.id,
  title: conversation.title,
  orgId: conversation.orgId,
  model: conversation.model,
  updatedAt: conversation.updatedAt.toISOString(),
});

/** The open chat (?c=<id>) with its stored messages; null when it is gone or not the viewer's. */
async function openConversation(
  session: Parameters<typeof getConversationWithMessages>[0],
  id: string | undefined,
) {
  if (!id) return null;
  try {
    const conversation = await getConversationWithMessages(session, id);
    const messages: StoredMessage[] = conversation.messages.map((message) => ({
      ...message,
      creditsCharged: message.creditsCharged.toString(),
    }));
    return { ...summaryOf(conversation), messages };
  } catch (error) {
    if (toAppError(error)?.code === 'not_found') return null;
    throw error;
  }
}

/** The assistant: chat with a model, each reply metered on the personal or an org wallet. */
export default async function AiPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const { c } = await searchParams;
  const [catalog, conversations, initialConversation] = await Promise.all([
    modelsFor(viewer.session, userSubject(viewer.id)),
    listConversations(viewer.session, { limit: 100 }),
    openConversation(viewer.session, typeof c === 'string' ? c : undefined),
  ]);
  const models: ModelOption[] = catalog
    .filter((model) => model.capabilities.includes('chat'))
    .map((model) => ({
      id: model.id,
      displayName: model.displayName,
      provider: model.provider,
      available: model.available,
      inputPer1k: model.creditsPer1k.input.toString(),
      outputPer1k: model.creditsPer1k.output.toString(),
    }));
  const initialModel = models.find((model) => model.available)?.id ?? '';

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">AI Assistant</h1>
        <p className="text-muted-foreground text-sm">
          Every reply is charged by the tokens the model really used, at the price shown. For goals,
          strategy analysis, forecasts and leads, open{' '}
          <Link href="/features" className="font-medium underline">
            AI features
          </Link>
          .
        </p>
      </div>
      <AiClient
        models={models}
        initialModel={initialModel}
        orgs={viewer.orgs.map((org) => ({ id: org.id, name: org.name, slug: org.slug }))}
        initialConversations={conversations.conversations.map(summaryOf)}
        initialConversation={initialConversation}
      />
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { subjectFor } from '@/lib/core';
import { getConversationWithMessages, listConversations, type Conversation } from '@/lib/ai';
import { modelsFor } from '@/lib/gateway';
import { toAppError } from '@/lib/core';
import type { ConversationSummary, StoredMessage } from '@/components/ai/conversation-api';
import { modelOptionsOf } from '@/components/ai/model-options';
import { preferredWalletOrgId } from '@/components/credits/preferred-wallet';
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
  // The picker's first list: what the viewer may use in the wallet in use.
  const walletOrgId = await preferredWalletOrgId(viewer);
  const [catalog, conversations, initialConversation] = await Promise.all([
    modelsFor(viewer.session, subjectFor(viewer.session, walletOrgId || null)),
    listConversations(viewer.session, { limit: 100 }),
    openConversation(viewer.session, typeof c === 'string' ? c : undefined),
  ]);
  const models = modelOptionsOf(catalog, 'chat');
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
        initialModels={{ orgId: walletOrgId, models }}
        initialModel={initialModel}
        orgs={viewer.orgs.map((org) => ({ id: org.id, name: org.name, slug: org.slug }))}
        initialConversations={conversations.conversations.map(summaryOf)}
        initialConversation={initialConversation}
      />
    </div>
  );
}

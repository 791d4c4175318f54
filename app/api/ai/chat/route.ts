import { route } from '@/lib/api';
import {
  appendMessage,
  deleteMessage,
  getConversation,
  noteChatSettings,
  recordReply,
} from '@/lib/ai';
import { chatRequest, promptOf, streamChat, type ChatRequest } from '@/lib/gateway';
import type { DbSession } from '@/lib/db';

export const runtime = 'nodejs';

/** The text of the newest message when it is the user's (the turn to store). */
function newUserText(messages: ChatRequest['messages']): string | null {
  const last = messages.at(-1);
  if (!last || last.role !== 'user') return null;
  const text = last.parts.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');
  return text.trim() === '' ? null : text;
}

/** Checks the conversation is the caller's (404 otherwise) and stores the new user message. */
async function storeUserTurn(session: DbSession, body: ChatRequest) {
  if (!body.conversationId) return null;
  const conversation = await getConversation(session, body.conversationId);
  const text = newUserText(body.messages);
  const stored = text
    ? await appendMessage(session, conversation.id, { role: 'user', content: text })
    : null;
  return {
    conversationId: conversation.id,
    messageId: stored?.id ?? null,
    titledNow: stored !== null && conversation.title === null,
  };
}

/**
 * Streams an assistant reply (AI SDK UI message protocol), metered on the caller's wallet. With a
 * conversationId, the user message is stored before the call and the reply once it is settled.
 */
export const POST = route({ body: chatRequest }, async ({ session, body, request }) => {
  const prompt = promptOf(body.messages);
  const turn = await storeUserTurn(session, body);
  try {
    const response = await streamChat(
      session,
      {
        model: body.model,
        complexity: body.complexity,
        orgId: body.orgId,
        maxOutputTokens: body.maxOutputTokens,
        prompt,
      },
      request.signal,
      turn ? { onSettled: (reply) => recordReply(turn.conversationId, reply) } : {},
    );
    if (turn) {
      await noteChatSettings(session, turn.conversationId, {
        model: body.model,
        orgId: body.orgId ?? null,
      }).catch((error: unknown) => console.warn('[ai] conversation settings not saved', error));
    }
    return response;
  } catch (error) {
    // A refused call (no credits, unknown model, …) leaves no trace in the conversation.
    if (turn?.messageId) {
      await deleteMessage(session, turn.messageId, { untitle: turn.titledNow });
    }
    throw error;
  }
});

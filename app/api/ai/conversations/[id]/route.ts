import { z } from 'zod';
import { route } from '@/lib/api';
import {
  deleteConversation,
  getConversationWithMessages,
  updateConversation,
  updateConversationInput,
} from '@/lib/ai';

export const runtime = 'nodejs';

const params = z.object({ id: z.string().max(100) });

/** One of the caller's conversations with its messages; 404 for anyone else's. */
export const GET = route({ params }, async ({ session, params }) => ({
  conversation: await getConversationWithMessages(session, params.id),
}));

/** Renames ({title}) or archives ({archived}) the conversation. */
export const PATCH = route(
  { params, body: updateConversationInput },
  async ({ session, params, body }) => ({
    conversation: await updateConversation(session, params.id, body),
  }),
);

/** Deletes the conversation and its messages. */
export const DELETE = route({ params }, async ({ session, params }) => {
  await deleteConversation(session, params.id);
  return { deleted: true };
});

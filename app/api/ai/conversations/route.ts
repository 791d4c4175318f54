import { route } from '@/lib/api';
import {
  createConversation,
  createConversationInput,
  listConversations,
  listConversationsQuery,
} from '@/lib/ai';

export const runtime = 'nodejs';

/** The caller's conversations, newest activity first (?limit, ?cursor, ?archived=true). */
export const GET = route({ query: listConversationsQuery }, async ({ session, query }) =>
  listConversations(session, query),
);

export const POST = route({ body: createConversationInput }, async ({ session, body }) => ({
  conversation: await createConversation(session, body),
}));

import { z } from 'zod';
import { route } from '@/lib/api';
import { appendMessage, appendMessageInput, listMessages, listMessagesQuery } from '@/lib/ai';

export const runtime = 'nodejs';

const params = z.object({ id: z.string().max(100) });

/** The conversation's messages in order (?limit, ?after=<message id>). */
export const GET = route({ params, query: listMessagesQuery }, async ({ session, params, query }) =>
  listMessages(session, params.id, query),
);

/** Appends a message without calling a model (an import); stored redacted, at no cost. */
export const POST = route(
  { params, body: appendMessageInput },
  async ({ session, params, body }) => ({
    message: await appendMessage(session, params.id, body),
  }),
);

import { route } from '@/lib/api';
import { chatRequest, promptOf, streamChat } from '@/lib/ai';

export const runtime = 'nodejs';

/** Streams an assistant reply (AI SDK UI message protocol), metered on the caller's wallet. */
export const POST = route({ body: chatRequest }, async ({ session, body, request }) =>
  streamChat(
    session,
    {
      model: body.model,
      orgId: body.orgId,
      maxOutputTokens: body.maxOutputTokens,
      prompt: promptOf(body.messages),
    },
    request.signal,
  ),
);

import { keyRoute } from '@/lib/api';
import { chatCompletionRequest, createChatCompletion, streamChatCompletion } from '@/lib/gateway';

export const runtime = 'nodejs';

/** OpenAI's chat completions, streamed or not, metered on the key's wallet. */
export const POST = keyRoute(
  { scope: 'ai:chat', body: chatCompletionRequest },
  async ({ key, body, request }) => {
    const call = { session: key.session, subject: key.subject, body, signal: request.signal };
    return body.stream ? streamChatCompletion(call) : createChatCompletion(call);
  },
);

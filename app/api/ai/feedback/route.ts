import { route } from '@/lib/api';
import { feedbackInput, rateCall } from '@/lib/flags';

export const runtime = 'nodejs';

/** Thumbs up or down on one of your AI calls (`callId` from the reply); again replaces it. */
export const POST = route({ body: feedbackInput }, async ({ session, body }) => {
  await rateCall(session, body);
  return { callId: body.callId, rating: body.rating };
});

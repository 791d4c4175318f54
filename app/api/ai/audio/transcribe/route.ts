import { route } from '@/lib/api';
import { readTranscribeRequest, transcribeMetered } from '@/lib/gateway';

export const runtime = 'nodejs';

/**
 * Metered transcription of one audio file (multipart `file`, or JSON base64 `audio`, ≤ 25 MB):
 * the transcript, the seconds charged, credits used and the balance.
 */
export const POST = route({}, async ({ session, request }) => {
  const input = await readTranscribeRequest(request);
  const { transcript, outcome, model, modelChoice } = await transcribeMetered(
    session,
    input,
    request.signal,
  );
  return {
    model,
    modelChoice,
    ...transcript,
    status: outcome.status,
    usage: { audioSeconds: (outcome.usage?.audioMilliseconds ?? 0) / 1000 },
    creditsUsed: outcome.creditsUsed,
    balance: outcome.available,
  };
});

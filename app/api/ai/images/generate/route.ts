import { route } from '@/lib/api';
import { generateImageMetered, imageInput } from '@/lib/gateway';

export const runtime = 'nodejs';

/** Metered image generation: base64 images, credits used (n × per-image price) and the balance. */
export const POST = route({ body: imageInput }, async ({ session, body, request }) => {
  const { images, outcome, model, modelChoice } = await generateImageMetered(
    session,
    body,
    request.signal,
  );
  return {
    model,
    modelChoice,
    images,
    status: outcome.status,
    usage: { images: outcome.usage?.images ?? 0 },
    creditsUsed: outcome.creditsUsed,
    balance: outcome.available,
  };
});

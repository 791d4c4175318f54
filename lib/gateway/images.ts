import 'server-only';
import { generateImage } from 'ai';
import { z } from 'zod';
import { AppError, parseInput } from '@/lib/core';
import type { DbSession } from '@/lib/db';
import type { ModelChoice } from './routing';
import { openMeteredCall, type CallOutcome } from './metered-call';
import { imageModelFor } from './providers';
import { countTokens } from './tokenizer';

/**
 * Metered image generation: hold n × the model's per-image price, generate, charge the images the
 * provider really returned × the price in force; a provider error voids the hold.
 */

const IMAGE_SIZES = [
  '256x256',
  '512x512',
  '1024x1024',
  '1024x1536',
  '1536x1024',
  '1024x1792',
  '1792x1024',
] as const;

export const imageInput = z.object({
  model: z.string().trim().min(1).max(64),
  prompt: z.string().trim().min(1).max(4000),
  n: z.number().int().min(1).max(4).default(1),
  size: z.enum(IMAGE_SIZES).default('1024x1024'),
  orgId: z.uuid().nullish(),
  feature: z.string().trim().min(1).max(100).default('images'),
});
type ImageInput = z.input<typeof imageInput>;

interface GeneratedImage {
  mediaType: string;
  base64: string;
}

export async function generateImageMetered(
  session: DbSession,
  input: ImageInput,
  clientSignal?: AbortSignal,
): Promise<{
  images: GeneratedImage[];
  outcome: CallOutcome;
  model: string;
  modelChoice: ModelChoice;
}> {
  const args = parseInput(imageInput, input);
  const promptTokens = countTokens(args.prompt);
  const call = await openMeteredCall(
    session,
    {
      model: args.model,
      orgId: args.orgId,
      feature: args.feature,
      operation: 'image',
      capability: 'image',
      inputTokens: promptTokens,
      maxOutputTokens: 0,
      timeoutMs: 180_000,
      // What was made (images, audio) cannot be counted from the text: unknown usage charges the hold.
      countInput: null,
      media: { images: args.n },
    },
    [{ role: 'user', content: args.prompt }],
    clientSignal,
  );
  try {
    const result = await generateImage({
      model: imageModelFor(call.context, call.apiKey ?? undefined),
      prompt: args.prompt,
      n: args.n,
      size: args.size,
      abortSignal: call.signal,
      maxRetries: 0,
    });
    // Never charge more images than were asked for (and held).
    const images = result.images.slice(0, args.n);
    if (images.length > 0) {
      call.meter.output();
      call.meter.state.usage = {
        inputTokens: promptTokens,
        cachedInputTokens: 0,
        outputTokens: 0,
        images: images.length,
      };
    }
    await call.meter.end();
    return {
      images: images.map((file) => ({ mediaType: file.mediaType, base64: file.base64 })),
      outcome: await call.settled,
      model: call.context.modelId,
      modelChoice: call.choice,
    };
  } catch (error) {
    await call.meter.end(error);
    const outcome = await call.settled.catch(() => null);
    throw new AppError('unavailable', 'The image provider failed; the hold was released.', {
      callId: call.callId,
      creditsUsed: outcome?.creditsUsed.toString() ?? null,
    });
  }
}

import 'server-only';
import { experimental_transcribe as transcribe } from 'ai';
import { z } from 'zod';
import { AppError, parseInput } from '@/lib/core';
import type { DbSession } from '@/lib/db';
import { wavDurationSeconds } from './local-media';
import type { ModelChoice } from './routing';
import { openMeteredCall, type CallOutcome } from './metered-call';
import { transcriptionModelFor } from './providers';

/**
 * Metered transcription, charged per second of audio. The hold covers the longest the file can
 * be: a WAV's duration from its header, otherwise its size at 8 kbit/s (the lowest bitrate of
 * common speech codecs). The charge uses the duration the provider reports, else the WAV
 * duration; never more than was held. With neither, usage is unknown and the hold is charged.
 */

const MAX_AUDIO_BYTES = 25 * 1024 * 1024;
/** 8 kbit/s: a file of n bytes holds at most n / 1000 seconds of audio. */
const MIN_BYTES_PER_SECOND = 1_000;

const transcribeInput = z.object({
  model: z.string().trim().min(1).max(64),
  audio: z.instanceof(Uint8Array).refine((bytes) => bytes.length > 0, 'the audio file is empty'),
  mediaType: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^audio\/[a-z0-9.+-]+$/, 'must be an audio/* media type'),
  language: z
    .string()
    .regex(/^[a-z]{2}$/, 'must be an ISO-639-1 code like en')
    .optional(),
  /** A hint for the transcript's style or vocabulary. */
  prompt: z.string().trim().max(1000).optional(),
  orgId: z.uuid().nullish(),
  feature: z.string().trim().min(1).max(100).default('transcription'),
});
type TranscribeInput = z.input<typeof transcribeInput>;

/** The JSON form of a transcription request: the audio as base64. */
const transcribeJson = z.object({
  model: z.string(),
  audio: z
    .string()
    .min(1)
    .max(Math.ceil(MAX_AUDIO_BYTES / 3) * 4 + 4)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
  mediaType: z.string().default('audio/wav'),
  language: z.string().optional(),
  prompt: z.string().optional(),
  orgId: z.string().nullish(),
  feature: z.string().optional(),
});

interface Transcript {
  text: string;
  language: string | null;
  durationSeconds: number;
  segments: { text: string; startSecond: number; endSecond: number }[];
}

/** The longest the audio can be, in milliseconds (what is held). */
function audioBoundMs(audio: Uint8Array): number {
  const wav = wavDurationSeconds(audio);
  if (wav !== null) return Math.ceil(wav * 1000) + 1000;
  return Math.max(1000, Math.ceil(audio.length / MIN_BYTES_PER_SECOND) * 1000);
}

export async function transcribeMetered(
  session: DbSession,
  input: TranscribeInput,
  clientSignal?: AbortSignal,
): Promise<{
  transcript: Transcript;
  outcome: CallOutcome;
  model: string;
  modelChoice: ModelChoice;
}> {
  const args = parseInput(transcribeInput, input);
  if (args.audio.length > MAX_AUDIO_BYTES) {
    throw new AppError('validation_failed', 'The audio file is larger than 25 MB.', {
      maxBytes: MAX_AUDIO_BYTES,
    });
  }
  const boundMs = audioBoundMs(args.audio);
  const call = await openMeteredCall(
    session,
    {
      model: args.model,
      orgId: args.orgId,
      feature: args.feature,
      operation: 'transcription',
      capability: 'transcription',
      inputTokens: 0,
      maxOutputTokens: 0,
      timeoutMs: 300_000,
      // What was made (images, audio) cannot be counted from the text: unknown usage charges the hold.
      countInput: null,
      media: { audioMilliseconds: boundMs },
    },
    args.prompt ? [{ role: 'user', content: args.prompt }] : [],
    clientSignal,
  );
  try {
    const result = await transcribe({
      model: transcriptionModelFor(call.context, call.apiKey ?? undefined),
      audio: args.audio,
      abortSignal: call.signal,
      maxRetries: 0,
      providerOptions: {
        openai: {
          ...(args.language ? { language: args.language } : {}),
          ...(args.prompt ? { prompt: args.prompt } : {}),
        },
      },
    });
    call.meter.output();
    const reported = result.durationInSeconds;
    const computed = wavDurationSeconds(args.audio);
    const seconds =
      reported !== undefined && Number.isFinite(reported) && reported >= 0 ? reported : computed;
    if (seconds !== null) {
      const measured = Math.ceil(seconds * 1000);
      call.meter.state.notes.durationSource = reported === seconds ? 'provider' : 'wav_header';
      if (measured > boundMs) call.meter.state.notes.durationClamped = true;
      call.meter.state.usage = {
        inputTokens: 0,
        cachedInputTokens: 0,
        outputTokens: 0,
        audioMilliseconds: Math.min(measured, boundMs),
      };
    }
    await call.meter.end();
    return {
      transcript: {
        text: result.text,
        language: result.language ?? null,
        durationSeconds: seconds ?? boundMs / 1000,
        segments: result.segments,
      },
      outcome: await call.settled,
      model: call.context.modelId,
      modelChoice: call.choice,
    };
  } catch (error) {
    await call.meter.end(error);
    const outcome = await call.settled.catch(() => null);
    throw new AppError('unavailable', 'The transcription provider failed; the hold was released.', {
      callId: call.callId,
      creditsUsed: outcome?.creditsUsed.toString() ?? null,
    });
  }
}

function badRequest(detail: string): AppError {
  return new AppError('validation_failed', detail);
}

/**
 * Reads a transcription request: multipart/form-data (`file`, `model`, optional `language`,
 * `prompt`, `orgId`, `feature`) or JSON with the audio as base64. Sizes are checked before the
 * body is read when the client declares them.
 */
export async function readTranscribeRequest(request: Request): Promise<TranscribeInput> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > Math.ceil(MAX_AUDIO_BYTES / 3) * 4 + 64_000) {
    throw badRequest('The audio file is larger than 25 MB.');
  }
  const type = request.headers.get('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      throw badRequest('The multipart body could not be read.');
    }
    const file = form.get('file');
    if (!(file instanceof Blob)) throw badRequest('file: attach the audio as a file field.');
    if (file.size > MAX_AUDIO_BYTES) throw badRequest('The audio file is larger than 25 MB.');
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    return {
      model: text('model') ?? '',
      audio: new Uint8Array(await file.arrayBuffer()),
      mediaType: file.type || 'application/octet-stream',
      language: text('language'),
      prompt: text('prompt'),
      orgId: text('orgId'),
      feature: text('feature'),
    };
  }
  if (!type.includes('json')) {
    throw new AppError('bad_request', 'Send multipart/form-data or application/json.');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await request.text());
  } catch {
    throw new AppError('bad_request', 'The request body is not valid JSON.');
  }
  const body = parseInput(transcribeJson, raw);
  return { ...body, audio: new Uint8Array(Buffer.from(body.audio, 'base64')) };
}

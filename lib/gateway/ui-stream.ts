import 'server-only';
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3StreamPart,
  SharedV3ProviderMetadata,
} from '@ai-sdk/provider';
import { generateId, type UIMessageChunk } from 'ai';
import { sseEvent } from './sse';

/**
 * A model's reply as the AI SDK's UI message stream (server-sent events, what `useChat` reads),
 * written straight from the provider's stream parts: each part becomes its chunk's bytes in one
 * step. `streamText(…).toUIMessageStream()` inside `createUIMessageStream` gives the same chunks
 * through six stream stages per part (the step stitching, the full stream, the UI conversion,
 * the writer's merge, JSON to SSE, text encoding); on a busy gateway that was a quarter of its
 * CPU. A chat reply needs none of what those stages are for (tools, multiple steps, smoothing).
 *
 * The stream: `start` (with `startMetadata`), `start-step`, the text and reasoning parts,
 * `finish-step`, then `finish` with what `finish(text)` returns, then `[DONE]`; it closes once
 * `closeAfter` has settled. A provider error becomes an `error` chunk and the reply still ends
 * with its `finish`. A reader that stops reading cancels the provider call.
 */

export interface ReplyStreamInput<Metadata> {
  model: LanguageModelV3;
  options: LanguageModelV3CallOptions;
  startMetadata: Metadata;
  /** The last chunk's metadata, once the provider's stream has ended (`text` is the reply). */
  finish: (text: string) => Promise<Metadata>;
  /** Awaited after the last chunk, before the stream closes. */
  closeAfter: () => Promise<void>;
  /** A provider failure, or a failure to compute the last chunk: for the logs. */
  onError: (error: unknown) => void;
}

const PROVIDER_FAILED = 'The model provider failed. You were not charged for unused credits.';
const FAILED_MID_REPLY = 'The model provider failed mid-reply.';

/** The part's provider metadata, when it has any, as the UI chunk carries it. */
function extra(part: { providerMetadata?: SharedV3ProviderMetadata }) {
  return part.providerMetadata != null ? { providerMetadata: part.providerMetadata } : {};
}

/** The UI chunk for a provider part, or null for parts the reply does not show. */
function chunkOf(part: LanguageModelV3StreamPart): UIMessageChunk | null {
  switch (part.type) {
    case 'text-start':
    case 'text-end':
    case 'reasoning-start':
    case 'reasoning-end':
      return { type: part.type, id: part.id, ...extra(part) };
    case 'text-delta':
    case 'reasoning-delta':
      return { type: part.type, id: part.id, delta: part.delta, ...extra(part) };
    case 'finish':
      return { type: 'finish-step' };
    default:
      return null;
  }
}

export function uiReplyStream<Metadata>(
  input: ReplyStreamInput<Metadata>,
): ReadableStream<Uint8Array> {
  type Parts = ReadableStreamDefaultReader<LanguageModelV3StreamPart>;
  let parts: Parts | null = null;
  let opened: Promise<Parts | { failed: unknown }> | null = null;
  let cancelled: unknown = null;
  let text = '';
  let ended = false;

  /** The provider call, started once, as soon as the stream exists (not on the first read). */
  const open = () =>
    (opened ??= (async () => input.model.doStream(input.options))().then(
      (result) => result.stream.getReader(),
      (error: unknown) => ({ failed: error }),
    ));

  /** The reply's end: its metadata (also when the reader has gone), then `finish` and `[DONE]`. */
  const end = async (controller: ReadableStreamDefaultController<Uint8Array> | null) => {
    if (ended) return;
    ended = true;
    let last: unknown;
    try {
      last = { type: 'finish', messageMetadata: await input.finish(text) };
    } catch (error) {
      input.onError(error);
      last = { type: 'error', errorText: 'The reply could not be completed.' };
    }
    if (!controller || cancelled !== null) return;
    controller.enqueue(sseEvent(last));
    controller.enqueue(sseEvent('[DONE]'));
    await input.closeAfter();
    controller.close();
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(
        sseEvent({ type: 'start', messageMetadata: input.startMetadata, messageId: generateId() }),
      );
      void open();
    },
    async pull(controller) {
      if (ended || cancelled !== null) return;
      if (!parts) {
        const reader = await open();
        if ('failed' in reader) {
          input.onError(reader.failed);
          if (cancelled === null) {
            controller.enqueue(sseEvent({ type: 'error', errorText: PROVIDER_FAILED }));
          }
          return end(controller);
        }
        parts = reader;
        // The reader left while the provider was being called: cancel() stops the call.
        if (cancelled !== null) return;
        controller.enqueue(sseEvent({ type: 'start-step' }));
        return;
      }
      // Parts that show nothing (stream start, response metadata) are skipped within one pull:
      // a pull that enqueues nothing is not called again.
      for (;;) {
        let read: ReadableStreamReadResult<LanguageModelV3StreamPart>;
        try {
          read = await parts.read();
        } catch (error) {
          if (cancelled !== null) return;
          input.onError(error);
          controller.enqueue(sseEvent({ type: 'error', errorText: FAILED_MID_REPLY }));
          return end(controller);
        }
        if (cancelled !== null) return;
        if (read.done) return end(controller);
        const part = read.value;
        if (part.type === 'error') {
          input.onError(part.error);
          controller.enqueue(sseEvent({ type: 'error', errorText: PROVIDER_FAILED }));
          return;
        }
        const chunk = chunkOf(part);
        if (chunk) {
          if (part.type === 'text-delta') text += part.delta;
          controller.enqueue(sseEvent(chunk));
          return;
        }
      }
    },
    async cancel(reason) {
      cancelled = reason ?? new Error('The stream was cancelled.');
      // Stops the provider call, also one still starting: the meter records a client stop.
      const reader = parts ?? (await open());
      if (!('failed' in reader)) await reader.cancel(cancelled).catch(() => {});
      // The reply so far still ends as it would have (e.g. stored with its conversation).
      void end(null);
    },
  });
}

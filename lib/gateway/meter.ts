import 'server-only';
import type {
  LanguageModelV3,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import type { MeteredUsage } from './pricing';

/**
 * Watches one provider call: whether any output was produced, the usage the provider reported,
 * and when the call ended — normally, by error, abort, client disconnect or timeout. `end` runs
 * the settlement exactly once, whichever way the call ends.
 */

export interface MeterState {
  sawOutput: boolean;
  usage: MeteredUsage | null;
  error: unknown;
  /** The output text the gateway passed on, counted when the provider reports no usage. */
  relayed: string[];
  /** The client stopped the stream or went away before the call ended. */
  clientStopped: boolean;
  /** Facts recorded with the usage event (e.g. moderation results); never prompt text. */
  notes: Record<string, string | number | boolean | string[]>;
}

export class Meter {
  readonly state: MeterState = {
    sawOutput: false,
    usage: null,
    error: undefined,
    relayed: [],
    clientStopped: false,
    notes: {},
  };
  private ended: Promise<void> | undefined;

  constructor(private readonly onEnd: (state: MeterState) => Promise<void>) {}

  output(): void {
    this.state.sawOutput = true;
  }

  relay(text: string): void {
    if (text) this.state.relayed.push(text);
  }

  /** The client stopped: a later abort is its doing, not the provider's. */
  clientStop(): void {
    if (!this.ended) this.state.clientStopped = true;
  }

  usage(usage: LanguageModelV3Usage): void {
    const input = usage.inputTokens.total;
    const output = usage.outputTokens.total;
    // Usage counts only when the provider reported both sides; otherwise it is unknown.
    if (input === undefined || output === undefined) return;
    this.state.usage = {
      inputTokens: input,
      cachedInputTokens: usage.inputTokens.cacheRead ?? 0,
      outputTokens: output,
    };
  }

  fail(error: unknown): void {
    this.state.error ??= error ?? new Error('The provider call failed.');
  }

  end(error?: unknown): Promise<void> {
    if (error !== undefined) this.fail(error);
    this.ended ??= this.onEnd(this.state);
    return this.ended;
  }

  get isEnded(): boolean {
    return this.ended !== undefined;
  }
}

const OUTPUT_PARTS = new Set<LanguageModelV3StreamPart['type']>([
  'text-delta',
  'reasoning-delta',
  'tool-input-delta',
  'tool-call',
  'file',
]);

/** The provider's model with every call reported to the meter (streamed or not). */
export function meteredModel(inner: LanguageModelV3, meter: Meter): LanguageModelV3 {
  return {
    specificationVersion: 'v3',
    provider: inner.provider,
    modelId: inner.modelId,
    supportedUrls: inner.supportedUrls,
    async doGenerate(options) {
      try {
        const result = await inner.doGenerate(options);
        if (result.content.length > 0) meter.output();
        for (const part of result.content) {
          if (part.type === 'text' || part.type === 'reasoning') meter.relay(part.text);
        }
        meter.usage(result.usage);
        void meter.end();
        return result;
      } catch (error) {
        void meter.end(error);
        throw error;
      }
    },
    async doStream(options) {
      let result;
      try {
        result = await inner.doStream(options);
      } catch (error) {
        void meter.end(error);
        throw error;
      }
      const reader = result.stream.getReader();
      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        async pull(controller) {
          try {
            const { done, value } = await reader.read();
            if (done) {
              void meter.end();
              controller.close();
              return;
            }
            if (OUTPUT_PARTS.has(value.type)) meter.output();
            if (
              value.type === 'text-delta' ||
              value.type === 'reasoning-delta' ||
              value.type === 'tool-input-delta'
            ) {
              meter.relay(value.delta);
            }
            if (value.type === 'finish') meter.usage(value.usage);
            if (value.type === 'error') meter.fail(value.error);
            controller.enqueue(value);
          } catch (error) {
            void meter.end(error);
            controller.error(error);
          }
        },
        async cancel(reason) {
          // Whoever reads the stream stopped reading: the client, unless our own timeout fired.
          if ((reason as Error | undefined)?.name !== 'TimeoutError') meter.clientStop();
          void meter.end(reason ?? new Error('The stream was cancelled.'));
          await reader.cancel(reason);
        },
      });
      return { ...result, stream };
    },
  };
}

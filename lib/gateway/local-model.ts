import 'server-only';
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { countPromptTokens, splitTokens, type PromptMessage } from './tokenizer';

/**
 * The built-in keyless model (provider 'local') for demos and tests: a deterministic reply,
 * streamed token by token, with real token counts from the tokenizer and a final usage — so the
 * metering path is exactly the one a real provider takes. It never stands in for a keyed model.
 */

function promptMessages(prompt: LanguageModelV3Prompt): PromptMessage[] {
  const messages: PromptMessage[] = [];
  for (const message of prompt) {
    if (message.role === 'system') {
      messages.push({ role: 'system', content: message.content });
    } else if (message.role === 'user' || message.role === 'assistant') {
      const text = message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      messages.push({ role: message.role, content: text });
    }
  }
  return messages;
}

export function localReply(messages: readonly PromptMessage[]): string {
  const last = [...messages].reverse().find((message) => message.role === 'user');
  const asked = (last?.content ?? '').replace(/\s+/g, ' ').trim().slice(0, 160);
  return (
    `This is Tollgate's local demo model. You asked: "${asked}". ` +
    'Every token of this reply is counted with a real tokenizer as it streams, and your wallet ' +
    'is charged exactly the reported usage times the price in force, rounded up to the ' +
    'micro-credit. Configure a provider key to talk to a real model.'
  );
}

function usageOf(input: number, output: number): LanguageModelV3Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class LocalLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'local';
  readonly supportedUrls = {};

  constructor(
    readonly modelId: string,
    private readonly tokenDelayMs = 15,
  ) {}

  private plan(options: LanguageModelV3CallOptions) {
    const messages = promptMessages(options.prompt);
    const limit = options.maxOutputTokens ?? 1024;
    const { pieces, tokens } = splitTokens(localReply(messages), limit);
    const full = splitTokens(localReply(messages)).tokens;
    return {
      pieces,
      inputTokens: countPromptTokens(messages),
      outputTokens: tokens,
      finishReason: tokens < full ? ('length' as const) : ('stop' as const),
    };
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const plan = this.plan(options);
    await sleep(this.tokenDelayMs, options.abortSignal);
    return {
      content: [{ type: 'text', text: plan.pieces.join('') }],
      finishReason: { unified: plan.finishReason, raw: plan.finishReason },
      usage: usageOf(plan.inputTokens, plan.outputTokens),
      warnings: [],
    };
  }

  async doStream(options: LanguageModelV3CallOptions) {
    const plan = this.plan(options);
    const delay = this.tokenDelayMs;
    const signal = options.abortSignal;
    let index = 0;
    let started = false;
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue({ type: 'stream-start', warnings: [] });
          controller.enqueue({ type: 'text-start', id: 'text-0' });
          return;
        }
        if (index < plan.pieces.length) {
          await sleep(delay, signal);
          controller.enqueue({ type: 'text-delta', id: 'text-0', delta: plan.pieces[index]! });
          index += 1;
          return;
        }
        controller.enqueue({ type: 'text-end', id: 'text-0' });
        controller.enqueue({
          type: 'finish',
          finishReason: { unified: plan.finishReason, raw: plan.finishReason },
          usage: usageOf(plan.inputTokens, plan.outputTokens),
        });
        controller.close();
      },
    });
    return { stream };
  }
}

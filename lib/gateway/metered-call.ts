import 'server-only';
import { randomUUID } from 'node:crypto';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { z } from 'zod';
import { AppError, parseInput, subjectFor, type Subject } from '@/lib/core';
import type { Hold } from '@/lib/credits';
import type { DbSession } from '@/lib/db';
import type { Operation } from '@/lib/usage';
import { admitCall, precheckAdmission } from './admit';
import { chargeDescription } from './charge-description';
import { subjectKeys } from './byok';
import { loadCallContext, type CallContext } from './catalog';
import { callContextAt, hotCallContext } from './hot-catalog';
import { meteredModel, type Meter } from './meter';
import { assertInputAllowed, moderationKeyFor, withOutputModeration } from './moderation';
import { creditsFor } from './pricing';
import { isProviderConfigured, languageModelFor } from './providers';
import {
  choiceNotes,
  complexityInput,
  routeModel,
  type Complexity,
  type ModelChoice,
} from './routing';
import { settlingMeter, type CallOutcome } from './settle';
import { StepTimer } from './steps';
import { minTokensForBytes } from './token-count';
import { countPromptTokens, estimateInputTokens, type PromptMessage } from './tokenizer';

export type { CallOutcome } from './settle';

/**
 * The one metered call every AI route uses:
 *   session → model routing (experiment arm, "auto", access by plan / org / flags) → kill switches → rate limit → plan limit → worst-case estimate → hold on the right
 *   wallet → provider call → settle (exactly once, however the call ends) → record usage.
 * Settlement: error before any output voids the hold; known usage is charged price × usage,
 * rounded up to the micro-credit; unknown usage (a stopped stream, a dropped connection) is
 * charged by the gateway's own count of the prompt and of the output it relayed, and the hold
 * only when nothing can be counted.
 */

const DEFAULT_MAX_OUTPUT_TOKENS = 1024;
/** Inputs up to this size are counted at once (a few milliseconds at worst). */
const EAGER_COUNT_BYTES = 8_192;
const DEFAULT_TIMEOUT_MS = 120_000;
/** A live process settles a call at most this long after its timeout (its own guard fires at 5 s). */
const SETTLE_BY_MS = 30_000;
/** Time the maintenance tick (every minute) has to settle an orphaned hold before it expires. */
const OVERDUE_WINDOW_SECONDS = 300;

export const meteredCallInput = z.object({
  model: z.string().trim().min(1).max(64),
  /** With model "auto": how hard the task is (default standard). */
  complexity: complexityInput,
  orgId: z.uuid().nullish(),
  feature: z.string().trim().min(1).max(100).default('assistant'),
  operation: z.enum(['chat', 'completion']).default('chat'),
  prompt: z
    .array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }))
    .min(1)
    .max(200),
  maxOutputTokens: z.number().int().min(1).max(1_000_000).optional(),
  timeoutMs: z.number().int().min(100).max(600_000).default(DEFAULT_TIMEOUT_MS),
});
export type MeteredCallInput = z.input<typeof meteredCallInput>;

interface MeteredCall {
  callId: string;
  context: CallContext;
  /** Which model runs the call and why (the model asked for, auto, an experiment arm). */
  choice: ModelChoice;
  subject: Subject;
  walletId: string;
  /** null for a BYOK call: the subject pays the provider, no credits are held. */
  hold: Hold | null;
  /** The subject's own provider key was used. */
  byok: boolean;
  prompt: PromptMessage[];
  maxOutputTokens: number;
  /** The provider's model, metered: pass it to streamText / generateText. */
  model: LanguageModelV3;
  /** Aborts on client disconnect or timeout; pass it as abortSignal. */
  signal: AbortSignal;
  /** What the call came to, known when it ends, before its settlement commits (see settle.ts). */
  outcome: Promise<CallOutcome>;
  /** The settlement committed (ledger and usage row), with the wallet's balance after it. */
  settled: Promise<CallOutcome>;
  /** The steps before the provider call, as a Server-Timing header value. */
  serverTiming: string;
}

/** What the gateway needs to open any metered call (chat, completion, embedding). */
interface CallSpec {
  /** A model id, or "auto" / "auto:<complexity>". */
  model: string;
  complexity?: Complexity;
  orgId?: string | null;
  feature: string;
  operation: Operation;
  /** The model must list this capability. */
  capability: string;
  /** Worst-case input tokens (tokenizer count plus margin); a function is counted after the
   * kill switches and model checks, so a refused call costs no counting. */
  inputTokens: number | (() => number);
  /** UTF-8 bytes of the input (defaults to the prompt's): above EAGER_COUNT_BYTES the cheap
   * refusals run before counting. */
  inputBytes?: number;
  /** The input's exact token count (no margin), charged when the provider reports no usage;
   * defaults to the prompt's count; null for input that is no text. */
  countInput?: (() => number) | null;
  /** Requested output bound; capped by the model's max output. */
  maxOutputTokens: number;
  timeoutMs: number;
  /** Worst-case media of the call (images, audio), priced by the model's per-unit prices. */
  media?: { images?: number; audioMilliseconds?: number };
}

interface OpenCall extends Omit<MeteredCall, 'model'> {
  meter: Meter;
  /** The subject's own key for the provider, when it has one (BYOK). */
  apiKey: string | null;
  /** The OpenAI key output moderation uses, or null when the call is not moderated. */
  moderationKey: string | null;
}

/**
 * Kill switches → rate limit → plan limit → worst-case hold on the right wallet. The returned
 * meter settles the hold exactly once when the provider call ends, whichever way it ends.
 */
export async function openMeteredCall(
  session: DbSession,
  spec: CallSpec,
  prompt: PromptMessage[],
  clientSignal?: AbortSignal,
): Promise<OpenCall> {
  const timer = new StepTimer();
  const subject = subjectFor(session, spec.orgId);
  const inputBytes =
    spec.inputBytes ??
    prompt.reduce((sum, message) => sum + Buffer.byteLength(message.content, 'utf8'), 0);
  // The subject's own keys, read once: auto ranks by them (no credits on an own key), the call uses one.
  const ownKeys = subjectKeys(subject);
  ownKeys.catch(() => {});
  const route = await routeModel(session, subject, {
    model: spec.model,
    complexity: spec.complexity,
    feature: spec.feature,
    capability: spec.capability,
    inputTokens: Math.ceil(inputBytes / 4),
    outputTokens: spec.maxOutputTokens,
    ownKeys,
  });
  timer.lap('route');
  // The catalog row and price in force come from memory; the subject's own keys were asked for
  // above (and read only when it has any).
  const [cached, subjectKey] = await Promise.all([hotCallContext(route.modelId), ownKeys]);
  let context = cached;
  await route.check(context);
  if (!context.capabilities.includes(spec.capability)) {
    throw new AppError(
      'validation_failed',
      `${context.displayName} cannot do ${spec.capability}.`,
      {
        model: context.modelId,
      },
    );
  }
  // The subject's own key wins over the platform's; the local model never takes one.
  const apiKey = context.provider === 'local' ? null : subjectKey(context.provider);
  const byok = apiKey !== null;
  if (!byok && !isProviderConfigured(context.provider)) {
    throw new AppError('unavailable', `The ${context.provider} provider is not configured.`, {
      provider: context.provider,
    });
  }
  const moderationKey =
    prompt.length > 0
      ? await moderationKeyFor(session, {
          provider: context.provider,
          ownOpenAiKey: context.provider === 'local' ? null : subjectKey('openai'),
        })
      : null;
  const large = typeof spec.inputTokens === 'function' && inputBytes > EAGER_COUNT_BYTES;
  // Admission decides the paywall and kill switches, but a moderation request to pay for or a
  // large input to count come first: then the refusals that cost nothing are asked for before.
  if (moderationKey || large) {
    const checked = await loadCallContext(session, subject, route.modelId, spec.feature);
    if (checked.priceId !== context.priceId) {
      context = await callContextAt(route.modelId, checked.priceId);
    }
  }
  // A large input is counted only once the rate limit, the plan and the wallet could admit it
  // at the least it can cost: a refused caller never makes the server count 100,000 characters.
  if (large) {
    const leastTokens = minTokensForBytes(inputBytes);
    await precheckAdmission(session, subject, {
      byok,
      leastTokens,
      leastCredits: creditsFor(context.price, {
        inputTokens: leastTokens,
        cachedInputTokens: 0,
        outputTokens: 0,
      }),
    });
  }
  const inputTokens =
    typeof spec.inputTokens === 'function' ? spec.inputTokens() : spec.inputTokens;
  timer.lap('context');
  // Moderation before anything is held: flagged input is a 422 and charges nothing.
  if (moderationKey) {
    await assertInputAllowed(
      moderationKey,
      prompt.map((message) => message.content),
    );
  }
  timer.lap('moderation');
  const maxOutputTokens = Math.min(spec.maxOutputTokens, context.maxOutputTokens);
  const estimate = inputTokens + maxOutputTokens;
  if (estimate > context.contextWindow) {
    throw new AppError('validation_failed', 'The input is too long for this model.', {
      contextWindow: context.contextWindow,
      estimate,
    });
  }
  const callId = randomUUID();
  // BYOK: the subject pays the provider directly, so no credits are held or charged.
  const holdFor = (priced: CallContext) => {
    if (byok) return null;
    const worstCase = creditsFor(priced.price, {
      inputTokens,
      cachedInputTokens: 0,
      outputTokens: maxOutputTokens,
      ...spec.media,
    });
    return {
      amount: worstCase > 0n ? worstCase : 1n,
      idempotencyKey: `ai:${callId}`,
      ttlSeconds: Math.ceil((spec.timeoutMs + SETTLE_BY_MS) / 1000) + OVERDUE_WINDOW_SECONDS,
      description: chargeDescription(spec.feature, spec.operation, priced.displayName),
      metadata: {
        callId,
        model: priced.modelId,
        priceId: priced.priceId.toString(),
        feature: spec.feature,
        operation: spec.operation,
        // Past this, the process that made the call is gone: ai_settle_overdue settles the hold.
        settleBy: new Date(Date.now() + spec.timeoutMs + SETTLE_BY_MS).toISOString(),
      },
    };
  };
  const admit = (priced: CallContext) =>
    admitCall(session, subject, {
      modelId: priced.modelId,
      feature: spec.feature,
      priceId: priced.priceId,
      byok,
      estimate,
      hold: holdFor(priced),
    });
  let admission = await admit(context);
  if (admission.priceId !== context.priceId) {
    // The price changed since it was read: priced again at the one in force, admitted once more.
    context = await callContextAt(context.modelId, admission.priceId);
    admission = await admit(context);
  }
  const { walletId, hold } = admission;
  if (walletId === null) {
    throw new AppError('unavailable', 'The model’s price changed during the call; try again.');
  }
  timer.lap('admit');

  const startedAt = performance.now();
  const countInput =
    spec.countInput !== undefined
      ? spec.countInput
      : prompt.length > 0
        ? () => countPromptTokens(prompt)
        : null;
  const choice = route.choice;
  const base = { callId, context, choice, subject, walletId, hold, byok, prompt, maxOutputTokens };
  const { meter, outcome, settled } = settlingMeter(
    session,
    { ...base, countInput },
    spec.operation,
    spec.feature,
    startedAt,
  );
  const timeout = AbortSignal.timeout(spec.timeoutMs);
  const signal = clientSignal ? AbortSignal.any([clientSignal, timeout]) : timeout;
  if (clientSignal?.aborted) meter.clientStop();
  clientSignal?.addEventListener('abort', () => meter.clientStop(), { once: true });
  // Safety net: a call whose stream is never consumed still settles.
  const guard = setTimeout(
    () => void meter.end(new DOMException('The call timed out.', 'TimeoutError')),
    spec.timeoutMs + 5_000,
  );
  guard.unref();
  void settled.finally(() => clearTimeout(guard)).catch(() => {});
  if (moderationKey) meter.state.notes.moderation = 'passed';
  Object.assign(meter.state.notes, choiceNotes(choice));
  return {
    ...base,
    meter,
    apiKey,
    moderationKey,
    signal,
    outcome,
    settled,
    serverTiming: timer.header(),
  };
}

/** Checks, estimates and reserves for a chat or completion; the call settles itself. */
export async function beginMeteredCall(
  session: DbSession,
  input: MeteredCallInput,
  clientSignal?: AbortSignal,
): Promise<MeteredCall> {
  const args = parseInput(meteredCallInput, input);
  const call = await openMeteredCall(
    session,
    {
      model: args.model,
      complexity: args.complexity,
      orgId: args.orgId,
      feature: args.feature,
      operation: args.operation,
      capability: args.operation,
      inputTokens: () => estimateInputTokens(args.prompt),
      maxOutputTokens: args.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
      timeoutMs: args.timeoutMs,
    },
    args.prompt,
    clientSignal,
  );
  const { meter, apiKey, moderationKey, ...rest } = call;
  try {
    const inner = languageModelFor(call.context, apiKey ?? undefined);
    // Non-streamed answers are moderated before they are returned; streams pass through.
    const model = moderationKey ? withOutputModeration(inner, moderationKey, meter) : inner;
    return { ...rest, model: meteredModel(model, meter) };
  } catch (error) {
    await meter.end(error);
    throw error;
  }
}

import 'server-only';
import type { LanguageModelV3, LanguageModelV3Content } from '@ai-sdk/provider';
import OpenAI from 'openai';
import { AppError, runAs, type Actor } from '@/lib/core';
import { withUser, type DbSession } from '@/lib/db';
import { env } from '@/lib/env';
import { planError } from '@/lib/plans';
import type { Provider } from './providers';
import type { Meter } from './meter';

/**
 * Content moderation through OpenAI's moderation endpoint (the `openai` package: the AI SDK has
 * no moderation API). It runs when the platform switch is on and an OpenAI key is available —
 * the subject's own key first, else the platform's. Calls to the local demo provider are never
 * moderated: it is the keyless mode and has no moderation of its own.
 *
 * Input is moderated for every call, streamed or not. Output is moderated only for non-streamed
 * answers: a stream's tokens reach the client as they are produced, so checking them would mean
 * buffering the whole answer (no more streaming) or retracting text the user has already read.
 */

const MODERATION_MODEL = 'omni-moderation-latest';
export const FLAGGED_OUTPUT_NOTICE =
  'The answer was withheld because it did not pass content moderation.';
const UNCHECKED_OUTPUT_NOTICE =
  'The answer was withheld because content moderation could not check it.';

interface ModerationResult {
  flagged: boolean;
  /** Names of the flagged categories (e.g. "violence"), never the text. */
  categories: string[];
}

/** How long a process trusts the switch it read: one query per 5 s, not one per call. */
const SWITCH_TTL_MS = 5_000;
let switchCache: { on: boolean; until: number } | undefined;

/** Whether the platform switch for moderation is on (ai_settings.moderation_enabled). */
export async function moderationSwitchOn(session: DbSession): Promise<boolean> {
  if (switchCache && switchCache.until > Date.now()) return switchCache.on;
  const [row] = await withUser(
    session,
    (tx) => tx<{ on: boolean }[]>`
      select s.moderation_enabled as on from public.ai_settings s limit 1`,
  );
  const on = row?.on ?? false;
  switchCache = { on, until: Date.now() + SWITCH_TTL_MS };
  return on;
}

/** Platform admins: turns moderation of AI calls on or off (ai_moderation_set checks the caller). */
export async function setModerationEnabled(actor: Actor, enabled: boolean): Promise<void> {
  await runAs(actor, (tx) => tx`select 1 from public.ai_moderation_set(${enabled})`).catch(
    planError,
  );
  switchCache = undefined;
}

/**
 * The OpenAI key moderation runs with for one call, or null when the call is not moderated
 * (local provider, switch off, or no OpenAI key at all). `ownOpenAiKey` is the subject's own
 * OpenAI key when it has one; it wins over the platform's.
 */
export async function moderationKeyFor(
  session: DbSession,
  call: { provider: Provider; ownOpenAiKey: string | null },
): Promise<string | null> {
  if (call.provider === 'local') return null;
  const key = call.ownOpenAiKey ?? env().OPENAI_API_KEY ?? null;
  if (!key) return null;
  return (await moderationSwitchOn(session)) ? key : null;
}

let platformClient: { apiKey: string; baseURL: string | undefined; client: OpenAI } | undefined;

/**
 * The platform key's client is reused so its connections stay alive between calls; a subject's
 * own key gets a client for the call only (its key is not kept in memory longer than needed).
 */
function clientFor(apiKey: string): OpenAI {
  const { OPENAI_API_KEY, OPENAI_BASE_URL: baseURL } = env();
  const create = () => new OpenAI({ apiKey, baseURL, maxRetries: 1, timeout: 15_000 });
  if (apiKey !== OPENAI_API_KEY) return create();
  if (platformClient?.apiKey !== apiKey || platformClient.baseURL !== baseURL) {
    platformClient = { apiKey, baseURL, client: create() };
  }
  return platformClient.client;
}

/** Classifies the texts; throws when the moderation endpoint fails. */
async function moderateTexts(apiKey: string, texts: string[]): Promise<ModerationResult> {
  const input = texts.filter((text) => text.trim() !== '');
  if (input.length === 0) return { flagged: false, categories: [] };
  const response = await clientFor(apiKey).moderations.create({ model: MODERATION_MODEL, input });
  const categories = new Set<string>();
  for (const result of response.results) {
    if (!result.flagged) continue;
    for (const [name, hit] of Object.entries(result.categories)) if (hit) categories.add(name);
  }
  return {
    flagged: response.results.some((result) => result.flagged),
    categories: [...categories].sort(),
  };
}

/**
 * Input moderation before anything is held: flagged input is a 422 `content_flagged` with the
 * categories; a moderation outage is a 503 (fail closed, nothing charged).
 */
export async function assertInputAllowed(apiKey: string, texts: string[]): Promise<void> {
  let result: ModerationResult;
  try {
    result = await moderateTexts(apiKey, texts);
  } catch (error) {
    console.warn('[ai] input moderation failed', error instanceof Error ? error.name : error);
    throw new AppError('unavailable', 'Content moderation is unavailable; nothing was charged.');
  }
  if (result.flagged) {
    throw new AppError('content_flagged', 'The input did not pass content moderation.', {
      categories: result.categories,
    });
  }
}

function textOf(content: LanguageModelV3Content[]): string {
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/**
 * Output moderation of non-streamed answers. The provider's usage is kept (a flagged answer is
 * still charged), the text is replaced with a notice and the result is noted on the usage event.
 * Streams pass through: their tokens reach the client as they are produced.
 */
export function withOutputModeration(
  inner: LanguageModelV3,
  apiKey: string,
  meter: Meter,
): LanguageModelV3 {
  return {
    specificationVersion: 'v3',
    provider: inner.provider,
    modelId: inner.modelId,
    supportedUrls: inner.supportedUrls,
    doStream: (options) => inner.doStream(options),
    async doGenerate(options) {
      const result = await inner.doGenerate(options);
      const text = textOf(result.content);
      if (text.trim() === '') return result;
      let notice: string | null = null;
      try {
        const verdict = await moderateTexts(apiKey, [text]);
        if (verdict.flagged) {
          meter.state.notes.moderation = 'output_flagged';
          meter.state.notes.flaggedCategories = verdict.categories;
          notice = FLAGGED_OUTPUT_NOTICE;
        } else {
          meter.state.notes.moderation = 'passed';
        }
      } catch (error) {
        // The provider already answered and billed: keep the usage, withhold the unchecked text.
        console.warn('[ai] output moderation failed', error instanceof Error ? error.name : error);
        meter.state.notes.moderation = 'output_unchecked';
        notice = UNCHECKED_OUTPUT_NOTICE;
      }
      if (notice === null) return result;
      return { ...result, content: [{ type: 'text', text: notice }] };
    },
  };
}

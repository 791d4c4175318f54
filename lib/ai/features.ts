import 'server-only';
import { z } from 'zod';
import { withFeature, type FeatureOutcome } from '@/lib/aiTokens';
import type { DbSession } from '@/lib/db';
import { parseInput } from '@/lib/core';
import { generateChat } from '@/lib/gateway';
import type { CallOutcome } from '@/lib/gateway';

/**
 * The helper a developer wraps an AI feature in: the plan's feature allowance (lib/aiTokens
 * withFeature: upgrade / allowance checks, committed only on success) around the metered call
 * (credits by real usage). The request is counted once, by the metered call.
 */

interface MeteredActionInput {
  model: string;
  system: string;
  prompt: string;
  orgId?: string | null;
  maxOutputTokens?: number;
}

interface MeteredActionResult {
  text: string;
  model: string;
  credits: Pick<CallOutcome, 'callId' | 'status' | 'creditsUsed' | 'available' | 'usage'>;
  /** Why this model ran (asked for, auto, an experiment's arm). */
  modelReason: string;
  allowance: Omit<FeatureOutcome<unknown>, 'result'>;
}

export async function meteredAction(
  session: DbSession,
  tokenType: string,
  input: MeteredActionInput,
): Promise<MeteredActionResult> {
  const { result, ...allowance } = await withFeature(
    tokenType,
    { session, orgId: input.orgId },
    () =>
      generateChat(session, {
        model: input.model,
        orgId: input.orgId,
        feature: tokenType,
        operation: 'completion',
        maxOutputTokens: input.maxOutputTokens,
        prompt: [
          { role: 'system', content: input.system },
          { role: 'user', content: input.prompt },
        ],
      }),
    { feature: tokenType, rateLimit: false },
  );
  const { callId, status, creditsUsed, available, usage } = result.outcome;
  return {
    text: result.text,
    model: result.model,
    credits: { callId, status, creditsUsed, available, usage },
    modelReason: result.choice.detail,
    allowance,
  };
}

/** The four product features: each a token type of the plans and a system prompt. */
export const AI_FEATURES = {
  goal_generation:
    'You draft 3 to 5 measurable goals with key results for the objective described. Be concise.',
  strategy_analysis:
    'You analyse the strategy described: strengths, risks and the two next steps that matter most.',
  forecast:
    'You project the metrics described forward, state your assumptions and give a range, not a point.',
  lead_generation:
    'You list qualified lead profiles for the offer described, each with why it fits and how to reach it.',
} as const;
export type AiFeature = keyof typeof AI_FEATURES;

export const featureInput = z.object({
  feature: z.enum(Object.keys(AI_FEATURES) as [AiFeature, ...AiFeature[]]),
  brief: z.string().trim().min(3).max(8_000),
  model: z.string().trim().min(1).max(64).default('local-demo'),
  orgId: z.uuid().nullish(),
});
type FeatureInput = z.input<typeof featureInput>;

/** Runs one of the four features on the caller's (or the org's) allowance and wallet. */
export async function runAiFeature(
  session: DbSession,
  input: FeatureInput,
): Promise<MeteredActionResult> {
  const args = parseInput(featureInput, input);
  return meteredAction(session, args.feature, {
    model: args.model,
    system: AI_FEATURES[args.feature],
    prompt: args.brief,
    orgId: args.orgId,
    maxOutputTokens: 800,
  });
}

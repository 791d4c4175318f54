'use server';

import { action } from '@/lib/api';
import { featureInput, runAiFeature } from '@/lib/ai';

/** Server action for the four AI features (goal, strategy, forecast, leads): allowance + credits. */
export const runFeatureAction = action(featureInput, async (input, session) => {
  const outcome = await runAiFeature(session, input);
  return {
    text: outcome.text,
    model: outcome.model,
    modelReason: outcome.modelReason,
    callId: outcome.credits.callId,
    creditsUsed: outcome.credits.creditsUsed.toString(),
    balance: outcome.credits.available.toString(),
    allowanceRemaining: outcome.allowance.remaining,
    /** What the feature allowance was charged: tokens, or credits once the allowance ran out. */
    allowanceCharged: {
      source: outcome.allowance.charged.source,
      tokens: outcome.allowance.charged.tokens,
      credits: outcome.allowance.charged.credits.toString(),
    },
  };
});

'use server';

import { action } from '@/lib/api';
import { featureInput, runAiFeature } from '@/lib/ai';

/** Server action for the four AI features (goal, strategy, forecast, leads): allowance + credits. */
export const runFeatureAction = action(featureInput, async (input, session) => {
  const outcome = await runAiFeature(session, input);
  return {
    text: outcome.text,
    model: outcome.model,
    creditsUsed: outcome.credits.creditsUsed.toString(),
    balance: outcome.credits.available.toString(),
    allowanceRemaining: outcome.allowance.remaining,
  };
});

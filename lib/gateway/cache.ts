import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import { getWalletSummary, resolveWallet, spendCredits } from '@/lib/credits';
import { withUser, type DbSession } from '@/lib/db';
import { planError } from '@/lib/plans';
import { subjectFor, type Subject } from '@/lib/core';
import { enforceRateLimit } from '@/lib/quota';
import { recordUsage } from '@/lib/usage';
import { loadCallContext } from './catalog';
import { chargeDescription } from './charge-description';
import { generateChat } from './chat';
import { meteredCallInput, type CallOutcome, type MeteredCallInput } from './metered-call';
import { creditsFor, type MeteredUsage } from './pricing';
import { redactPii } from './redact';
import { assertAccess, type ModelChoice } from './routing';

/**
 * The response cache: an exact match on model + normalized input + parameters, scoped to the
 * subject, with a TTL per operation. A hit passes the kill switches and the rate limit, is
 * recorded as cached usage and is charged by the policy (free by default). Answers are stored
 * with e-mail addresses and card-like numbers redacted (models often echo the prompt), so a hit
 * serves the redacted answer; the key is a hash and holds no prompt text.
 */

const CACHE_TTL_SECONDS = { chat: 600, completion: 3_600 } as const;

function cacheKey(input: MeteredCallInput): string {
  const args = meteredCallInput.parse(input);
  const prompt = args.prompt.map((message) => ({
    role: message.role,
    content: message.content.trim().replace(/\s+/g, ' '),
  }));
  const material = JSON.stringify({
    v: 1,
    model: args.model,
    operation: args.operation,
    maxOutputTokens: args.maxOutputTokens ?? null,
    prompt,
  });
  return createHash('sha256').update(material).digest('hex');
}

interface Hit {
  response: string;
  model_id: string;
  input_tokens: number;
  output_tokens: number;
  charge_bps: number;
}

async function serveHit(
  session: DbSession,
  subject: Subject,
  input: MeteredCallInput,
  hit: Hit,
): Promise<{ text: string; outcome: CallOutcome; model: string; choice: ModelChoice }> {
  const args = meteredCallInput.parse(input);
  // The model that answered ("auto" may have resolved to any): its switches and access apply.
  const context = await loadCallContext(session, subject, hit.model_id, args.feature);
  const choice = await assertAccess(session, subject, context, {
    feature: args.feature,
    capability: args.operation,
  });
  await enforceRateLimit(session, subject);
  const walletId = await resolveWallet(
    session,
    args.orgId ? { type: 'org', orgId: args.orgId } : { type: 'personal' },
  );
  const usage: MeteredUsage = {
    inputTokens: hit.input_tokens,
    cachedInputTokens: 0,
    outputTokens: hit.output_tokens,
  };
  const full = creditsFor(context.price, usage);
  const charge = (full * BigInt(hit.charge_bps) + 9_999n) / 10_000n;
  const callId = randomUUID();
  let available: bigint;
  if (charge > 0n) {
    const spent = await spendCredits(session, {
      walletId,
      amount: charge,
      category: 'ai_usage',
      idempotencyKey: `ai-cache:${callId}`,
      description: `${chargeDescription(args.feature, args.operation, context.displayName)} (cached)`,
      metadata: { callId, model: context.modelId, cached: true, feature: args.feature },
    });
    available = spent.available;
  } else {
    available = (await getWalletSummary(session, walletId)).available;
  }
  await recordUsage({
    subject,
    actorId: session.userId,
    provider: context.provider,
    model: context.modelId,
    operation: args.operation,
    feature: args.feature,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    latencyMs: 0,
    creditsCharged: charge,
    cached: true,
    requestId: `ai:${callId}`,
    metadata: { status: 'cached', priceId: context.priceId.toString() },
  });
  return {
    text: hit.response,
    model: context.modelId,
    choice,
    outcome: {
      callId,
      status: 'cached',
      creditsUsed: charge,
      usage,
      available,
      holdId: null,
      errorCode: null,
    },
  };
}

/** generateChat with the response cache in front of it. */
export async function generateChatCached(
  session: DbSession,
  input: MeteredCallInput,
  clientSignal?: AbortSignal,
): Promise<{ text: string; outcome: CallOutcome; model: string; choice: ModelChoice }> {
  const args = meteredCallInput.parse(input);
  const subject = subjectFor(session, args.orgId);
  const key = cacheKey(input);
  const [hit] = await withUser(
    session,
    (tx) => tx<Hit[]>`select * from public.ai_cache_get(${subject.kind}, ${subject.id}, ${key})`,
  ).catch(planError);
  if (hit) return serveHit(session, subject, input, hit);

  const result = await generateChat(session, input, clientSignal);
  const { usage, status } = result.outcome;
  if (status === 'charged' && usage) {
    await withUser(
      session,
      (
        tx,
      ) => tx`select public.ai_cache_put(${subject.kind}, ${subject.id}, ${key}, ${args.operation},
        ${result.model}, ${redactPii(result.text)}, ${usage.inputTokens}, ${usage.outputTokens},
        ${CACHE_TTL_SECONDS[args.operation]})`,
    ).catch((error: unknown) => console.error('[ai] cache write failed', error));
  }
  return result;
}

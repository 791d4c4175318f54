import { route } from '@/lib/api';
import { checkBalanceBody, checkTokens, deductTokens } from '@/lib/aiTokens';
import { subjectFor } from '@/lib/core';

export const runtime = 'nodejs';

/**
 * check: could the caller use `actions` of a feature now (never 402: allowed says so).
 * deduct: uses them — 403 when the plan lacks the feature, 402 when the allowance is spent,
 * 429 past the hourly request limit. Send an Idempotency-Key so a retry never deducts twice.
 */
export const POST = route({ body: checkBalanceBody }, async ({ session, body, idempotencyKey }) => {
  const subject = subjectFor(session, body.orgId);
  if (body.action === 'check') {
    return {
      action: 'check',
      ...(await checkTokens(session, subject, body.tokenType, body.actions)),
    };
  }
  const deduction = await deductTokens(
    session,
    subject,
    { ...body, idempotencyKey: idempotencyKey ?? body.idempotencyKey },
    { rateLimit: true },
  );
  return { action: 'deduct', ...deduction };
});

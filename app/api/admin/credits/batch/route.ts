import { z } from 'zod';
import { errors } from '@/lib/core';
import { route } from '@/lib/api';
import { requireBatchAdmin, runCreditBatch, runCreditBatchCsv } from '@/lib/admin';

export const runtime = 'nodejs';

const MAX_BODY = 1_000_000;

const query = z.object({
  reason: z.string().max(600).optional(),
  batchKey: z.string().max(100).optional(),
});

const jsonBody = z.object({
  reason: z.string().max(600),
  batchKey: z.string().max(100).optional(),
  rows: z.array(z.unknown()).max(5_000, 'A batch holds at most 5,000 rows.'),
});

/**
 * Platform admins grant (or, with negative credits, take back) credits for many wallets at once:
 * all rows or none, each row idempotent. Send application/json
 * `{reason, batchKey?, rows: [{wallet | email | orgSlug, credits, expiresAt?, key?}]}`, or
 * text/csv with a header row (email | org | wallet, credits, expires_at?, key?) and the reason in
 * `?reason=` or the `X-Reason` header. The batch key may also come from `Idempotency-Key`.
 */
export const POST = route({ query }, async ({ request, session, query, idempotencyKey }) => {
  await requireBatchAdmin(session);
  const type = request.headers.get('content-type') ?? '';
  const text = await request.text();
  if (text.length > MAX_BODY) throw errors.badRequest('The request body is larger than 1 MB.');

  if (type.includes('text/csv')) {
    return runCreditBatchCsv(session, {
      reason: query.reason ?? request.headers.get('x-reason') ?? '',
      batchKey: query.batchKey ?? idempotencyKey,
      csv: text,
    });
  }
  if (!type.includes('json')) {
    throw errors.badRequest('Send the batch as application/json or text/csv.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw errors.badRequest('The request body is not valid JSON.');
  }
  const body = jsonBody.parse(parsed);
  return runCreditBatch(session, {
    reason: body.reason,
    batchKey: body.batchKey ?? idempotencyKey,
    rows: body.rows,
  });
});

import { randomUUID } from 'node:crypto';
import { AppError } from '@/lib/core';
import { problemJson } from '@/lib/api';
import { handleStripeWebhook } from '@/lib/stripe';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Stripe's webhook endpoint. The signature is checked on the raw body (400, nothing written,
 * when it does not match); handled and ignored events get 200; a real failure answers 500 so
 * Stripe retries, and the retry is safe because each event id is fulfilled once.
 */
export async function POST(request: Request): Promise<Response> {
  const requestId = randomUUID();
  try {
    const result = await handleStripeWebhook(
      await request.text(),
      request.headers.get('stripe-signature'),
    );
    if (result.status === 400) {
      return problemJson(new AppError('bad_request', result.body.error).toProblem(requestId), {
        'x-request-id': requestId,
      });
    }
    return Response.json(result.body, { headers: { 'x-request-id': requestId } });
  } catch (error) {
    console.error(`[${requestId}] stripe webhook failed`, error);
    return problemJson(
      new AppError(
        'internal_error',
        'The event could not be processed; Stripe will retry.',
      ).toProblem(requestId),
      { 'x-request-id': requestId },
    );
  }
}

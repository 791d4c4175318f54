import { randomUUID, timingSafeEqual } from 'node:crypto';
import { AppError, problemJson } from '@/lib/api';
import { env } from '@/lib/env';
import { dispatchAutoRecharges } from '@/lib/stripe';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

function authorised(request: Request): boolean {
  const secret = env().CRON_SECRET;
  const given = request.headers.get('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (!secret || !given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Drains the auto-recharge queue (Vercel Cron, or any scheduler): `Authorization: Bearer
 * $CRON_SECRET`. Long-running servers also dispatch at once on the ledger's NOTIFY.
 */
export async function GET(request: Request): Promise<Response> {
  const requestId = randomUUID();
  if (!authorised(request)) {
    return problemJson(
      new AppError('unauthorized', 'A valid cron secret is required.').toProblem(requestId),
    );
  }
  return Response.json(await dispatchAutoRecharges(50));
}

export const POST = GET;

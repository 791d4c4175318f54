import 'server-only';
import { asService, type DbSession } from '@/lib/db';
import { requirePlatformAdmin } from './guard';

/**
 * The Stripe events the webhook recorded, newest first, for platform admins: what each did
 * (processed, ignored, rejected) and why an event was ignored or rejected. A rejected event can
 * never succeed (an amount that does not match its payment, a malformed object); it was answered
 * 2xx, so Stripe will not retry it, and it is listed here to be looked into.
 */

export type StripeEventStatus = 'processed' | 'ignored' | 'rejected';

export interface StripeEventView {
  id: string;
  type: string;
  status: StripeEventStatus;
  paymentId: string | null;
  detail: string | null;
  receivedAt: Date;
}

export async function listStripeEvents(
  session: DbSession,
  options: { status?: StripeEventStatus; limit?: number } = {},
): Promise<StripeEventView[]> {
  await requirePlatformAdmin(session);
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 500);
  const status = options.status ?? null;
  const rows = await asService(
    (tx) => tx<
      {
        id: string;
        type: string;
        status: StripeEventStatus;
        payment_id: string | null;
        detail: string | null;
        received_at: Date;
      }[]
    >`
      select id, type, status, payment_id, detail, received_at from public.stripe_events
      where ${status}::text is null or status = ${status}
      order by received_at desc, id
      limit ${limit}`,
  );
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    status: row.status,
    paymentId: row.payment_id,
    detail: row.detail,
    receivedAt: row.received_at,
  }));
}

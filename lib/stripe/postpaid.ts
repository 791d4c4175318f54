import 'server-only';
import { asService } from '@/lib/db';
import { env } from '@/lib/env';
import type { JobHandlers } from '@/lib/jobs';
import { billingMode, stripeClient } from './client';
import type { EventRef } from './fulfilment';
import type { PostpaidInvoiceObject } from './schemas';

/**
 * Pay-as-you-go and Stripe. Every postpaid usage row (the part of a debit past zero on a credit
 * line, one per ledger transfer) becomes one Billing Meter event whose identifier is the
 * transfer's, sent by the `stripe.meter_events` job and retried with backoff until Stripe accepts
 * it: a resend after a lost answer carries the same identifier, so Stripe counts it once. The invoice that bills the usage settles it when paid; a failed one freezes the
 * credit line. Both are idempotent per invoice in SQL (public.postpaid_invoice_paid / _failed).
 */

interface ClaimedUsage {
  transfer_id: bigint;
  account_id: string;
  amount: bigint;
  created_at: Date;
  customer_id: string | null;
}

export function meterIdentifier(transferId: bigint | string): string {
  return `tollgate_postpaid_${transferId}`;
}

/** Stripe already holds an event with this identifier: what we meant to send is recorded. */
function alreadyRecorded(error: unknown): boolean {
  const raw = error as { code?: unknown; raw?: { code?: unknown } } | null;
  const code = raw?.code ?? raw?.raw?.code;
  return code === 'resource_already_exists';
}

async function sendOne(row: ClaimedUsage): Promise<'sent' | 'failed'> {
  const id = row.transfer_id.toString();
  try {
    if (billingMode() === 'local') {
      // Local mode has no meter: the usage is recorded here and settled by local invoices.
    } else if (!row.customer_id || row.customer_id.startsWith('cus_local')) {
      throw new Error('The wallet has no Stripe customer yet (subscribe it to a metered plan).');
    } else {
      // No idempotency key of our own: Stripe keeps a key's first answer, a 500 included, so a
      // later retry under it could never succeed. The identifier is what Stripe deduplicates by.
      await stripeClient()
        .billing.meterEvents.create({
          event_name: env().STRIPE_METER_EVENT_NAME ?? 'tollgate_postpaid_credits',
          identifier: meterIdentifier(row.transfer_id),
          timestamp: Math.floor(row.created_at.getTime() / 1000),
          payload: { stripe_customer_id: row.customer_id, value: row.amount.toString() },
        })
        .catch((error: unknown) => {
          if (!alreadyRecorded(error)) throw error;
        });
    }
    await asService((tx) => tx`select public.postpaid_meter_sent(${id}::bigint)`);
    return 'sent';
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await asService(
      (tx) => tx`select public.postpaid_meter_failed(${id}::bigint, ${message.slice(0, 500)})`,
    );
    return 'failed';
  }
}

/** Sends the queued meter events that are due (each claimed by one sender); failures retry later. */
export async function sendPostpaidMeterEvents(
  limit = 200,
): Promise<{ sent: number; failed: number }> {
  const rows = await asService(
    (tx) => tx<ClaimedUsage[]>`
      select transfer_id, account_id, amount, created_at, customer_id
      from public.postpaid_meter_claim(${limit})`,
  );
  let sent = 0;
  for (const row of rows) {
    if ((await sendOne(row)) === 'sent') sent += 1;
  }
  return { sent, failed: rows.length - sent };
}

export const postpaidJobs: JobHandlers = {
  // Every minute; the meter accepts events up to 35 days old, so a slow send still bills.
  'stripe.meter_events': { schedule: '* * * * *', handle: () => sendPostpaidMeterEvents() },
};

function invoiceArgs(invoice: PostpaidInvoiceObject) {
  return {
    customer: invoice.customer ?? null,
    periodEnd: invoice.period_end ? new Date(invoice.period_end * 1000) : null,
  };
}

/**
 * invoice.paid: settles the postpaid usage the invoice billed (once per invoice, whatever the
 * replays) and lifts the credit line's freeze. Records the event only if nothing else has.
 */
export async function settlePostpaidInvoice(
  event: EventRef | null,
  invoice: PostpaidInvoiceObject,
): Promise<{ settled: bigint; replayed: boolean }> {
  const { customer, periodEnd } = invoiceArgs(invoice);
  const [row] = await asService(
    (tx) => tx<{ settled: bigint; replayed: boolean }[]>`
      select settled, replayed from public.postpaid_invoice_paid(${invoice.id}, ${customer},
        ${periodEnd}, ${event?.id ?? null}, ${event?.type ?? null})`,
  );
  return { settled: row?.settled ?? 0n, replayed: row?.replayed ?? false };
}

/** invoice.payment_failed: an invoice that billed postpaid usage freezes the credit line. */
export async function freezePostpaidForInvoice(
  event: EventRef | null,
  invoice: PostpaidInvoiceObject,
): Promise<{ frozen: boolean }> {
  const { customer, periodEnd } = invoiceArgs(invoice);
  const [row] = await asService(
    (tx) => tx<{ frozen: boolean }[]>`
      select frozen from public.postpaid_invoice_failed(${invoice.id}, ${customer}, ${periodEnd},
        ${event?.id ?? null}, ${event?.type ?? null})`,
  );
  return { frozen: row?.frozen ?? false };
}

import 'server-only';
import { one } from '@/lib/core';
import { asService } from '@/lib/db';
import { stripeClient } from './client';

/**
 * The webhook's effects, each one service-only SQL function that records the event id in the
 * same transaction (a replay changes nothing), plus the payment details fulfilment stores.
 */

export interface EventRef {
  id: string;
  type: string;
  /** When Stripe created the event (seconds): orders updates to one subscription. */
  created?: number;
}

interface PaymentDetails {
  chargeId: string | null;
  receiptUrl: string | null;
  paymentMethodId: string | null;
  paymentMethodLabel: string | null;
}

const LOCAL_DETAILS: PaymentDetails = {
  chargeId: null,
  receiptUrl: null,
  paymentMethodId: 'pm_local_test_card',
  paymentMethodLabel: 'Test card •••• 4242',
};

/**
 * The charge, receipt and card behind a PaymentIntent. Local test payments (pi_local_…) never
 * touch Stripe; a failure to reach Stripe throws, so the webhook answers non-2xx and is retried.
 */
export async function paymentDetails(paymentIntentId: string | null): Promise<PaymentDetails> {
  if (!paymentIntentId) {
    return { chargeId: null, receiptUrl: null, paymentMethodId: null, paymentMethodLabel: null };
  }
  if (paymentIntentId.startsWith('pi_local_')) return LOCAL_DETAILS;
  const intent = await stripeClient().paymentIntents.retrieve(paymentIntentId, {
    expand: ['latest_charge', 'payment_method'],
  });
  const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
  const method = typeof intent.payment_method === 'object' ? intent.payment_method : null;
  const card = method?.card;
  return {
    chargeId:
      charge?.id ?? (typeof intent.latest_charge === 'string' ? intent.latest_charge : null),
    receiptUrl: charge?.receipt_url ?? null,
    paymentMethodId:
      method?.id ?? (typeof intent.payment_method === 'string' ? intent.payment_method : null),
    paymentMethodLabel: card ? `${capitalise(card.brand)} •••• ${card.last4}` : null,
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export interface Outcome {
  paymentId: string | null;
  status: string;
  replayed: boolean;
}

export async function eventSeen(eventId: string): Promise<boolean> {
  const rows = await asService(
    (tx) => tx`select 1 from public.stripe_events where id = ${eventId}`,
  );
  return rows.length > 0;
}

export async function ignoreEvent(event: EventRef): Promise<void> {
  await asService((tx) => tx`select public.stripe_event_ignore(${event.id}, ${event.type})`);
}

/** Records an event that can never succeed, with why; Stripe gets 2xx and stops retrying. */
export async function rejectEvent(event: EventRef, reason: string): Promise<void> {
  await asService(
    (tx) => tx`select public.stripe_event_reject(${event.id}, ${event.type}, ${reason})`,
  );
}

export async function fulfilPayment(
  event: EventRef,
  payment: {
    paymentId: string | null;
    checkoutSessionId: string | null;
    paymentIntentId: string | null;
    amount: number | null;
    currency: string | null;
    customerId: string | null;
  },
  details: PaymentDetails,
): Promise<Outcome> {
  const row = one(
    await asService(
      (tx) => tx<{ payment_id: string | null; status: string; replayed: boolean }[]>`
      select * from public.payment_fulfil(${event.id}, ${event.type}, ${payment.paymentId},
        ${payment.checkoutSessionId}, ${payment.paymentIntentId}, ${payment.amount}::bigint,
        ${payment.currency}, ${payment.customerId}, ${details.paymentMethodId},
        ${details.paymentMethodLabel}, ${details.chargeId}, ${details.receiptUrl})`,
    ),
    'result of payment_fulfil',
  );
  return { paymentId: row.payment_id, status: row.status, replayed: row.replayed };
}

export async function markProcessing(
  event: EventRef,
  payment: { paymentId: string | null; checkoutSessionId: string; paymentIntentId: string | null },
): Promise<Outcome> {
  const row = one(
    await asService(
      (tx) => tx<{ payment_id: string | null; status: string; replayed: boolean }[]>`
      select * from public.payment_mark_processing(${event.id}, ${event.type}, ${payment.paymentId},
        ${payment.checkoutSessionId}, ${payment.paymentIntentId})`,
    ),
    'result of payment_mark_processing',
  );
  return { paymentId: row.payment_id, status: row.status, replayed: row.replayed };
}

export async function markFailed(
  event: EventRef | null,
  payment: {
    paymentId: string | null;
    checkoutSessionId: string | null;
    paymentIntentId: string | null;
  },
  status: 'failed' | 'expired',
  message: string,
): Promise<Outcome> {
  const row = one(
    await asService(
      (tx) => tx<{ payment_id: string | null; status: string; replayed: boolean }[]>`
      select * from public.payment_mark_failed(${event?.id ?? null}, ${event?.type ?? null},
        ${payment.paymentId}, ${payment.checkoutSessionId}, ${payment.paymentIntentId}, ${status},
        ${message.slice(0, 500)})`,
    ),
    'result of payment_mark_failed',
  );
  return { paymentId: row.payment_id, status: row.status, replayed: row.replayed };
}

export async function clawBack(
  event: EventRef,
  paymentIntentId: string,
  amountRefunded: number,
): Promise<void> {
  await asService(
    (tx) => tx`select * from public.payment_refunded(${event.id}, ${event.type}, ${paymentIntentId},
      ${amountRefunded}::bigint)`,
  );
}

export async function disputeOpened(
  event: EventRef,
  dispute: { id: string; paymentIntentId: string; amount: number; reason: string | null },
): Promise<void> {
  await asService(
    (
      tx,
    ) => tx`select * from public.payment_dispute_opened(${event.id}, ${event.type}, ${dispute.id},
      ${dispute.paymentIntentId}, ${dispute.amount}::bigint, ${dispute.reason})`,
  );
}

export async function disputeClosed(
  event: EventRef,
  dispute: { id: string; status: string },
): Promise<void> {
  await asService(
    (
      tx,
    ) => tx`select * from public.payment_dispute_closed(${event.id}, ${event.type}, ${dispute.id},
      ${dispute.status === 'lost' ? 'lost' : 'won'})`,
  );
}

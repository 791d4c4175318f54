import 'server-only';
import { z, ZodError } from 'zod';
import { verifyWebhook } from './client';
import {
  clawBack,
  disputeClosed,
  disputeOpened,
  eventSeen,
  fulfilPayment,
  ignoreEvent,
  markFailed,
  markProcessing,
  paymentDetails,
  rejectEvent,
  type EventRef,
  type Outcome,
} from './fulfilment';
import { freezePostpaidForInvoice, settlePostpaidInvoice } from './postpaid';
import {
  chargeObject,
  checkoutSessionObject,
  disputeObject,
  paymentIntentObject,
  postpaidInvoiceObject,
  stripeEventEnvelope,
  type CheckoutSessionObject,
} from './schemas';
import { syncSchedule } from './schedule-events';
import {
  invoiceSubscription,
  mirrorSubscription,
  openPaidPeriod,
  recordFailedPayment,
  subscriptionCheckoutCompleted,
  subscriptionObject,
} from './subscription-events';

/**
 * The Stripe webhook (dub's shape, plus exactly-once): verify the signature on the raw body, a
 * set of handled events with one typed handler each, 2xx for events we ignore, and a thrown
 * error (non-2xx, so Stripe retries) only on a failure a retry can fix. An event that can never
 * succeed (a malformed object, an amount that does not match its payment) is recorded as
 * rejected, with the reason, and answered 2xx. Every event id is recorded by the SQL function
 * that acts on it, in the same transaction, so a replay changes nothing.
 */

type WebhookResult =
  | {
      status: 200;
      body: { received: true; outcome: 'handled' | 'ignored' | 'replayed' | 'rejected' };
    }
  | { status: 400; body: { error: string } };

type Handler = (event: EventRef, object: Record<string, unknown>) => Promise<Outcome | void>;

function paymentIdOf(session: CheckoutSessionObject): string | null {
  const candidate = session.metadata.payment_id ?? session.client_reference_id ?? null;
  return candidate && z.uuid().safeParse(candidate).success ? candidate : null;
}

async function fulfilCheckout(event: EventRef, session: CheckoutSessionObject): Promise<Outcome> {
  const paymentIntentId = session.payment_intent ?? null;
  return fulfilPayment(
    event,
    {
      paymentId: paymentIdOf(session),
      checkoutSessionId: session.id,
      paymentIntentId,
      amount: session.amount_total ?? null,
      currency: session.currency ?? null,
      customerId: session.customer ?? null,
    },
    await paymentDetails(paymentIntentId),
  );
}

const scheduleChanged: Handler = async (event, object) => void (await syncSchedule(event, object));

const handlers: Record<string, Handler> = {
  'checkout.session.completed': async (event, object) => {
    if (object.mode === 'subscription') {
      await subscriptionCheckoutCompleted(event, object);
      return;
    }
    const session = checkoutSessionObject.parse(object);
    if (session.payment_status === 'unpaid') {
      // A delayed payment method: fulfilled by checkout.session.async_payment_succeeded.
      await markProcessing(event, {
        paymentId: paymentIdOf(session),
        checkoutSessionId: session.id,
        paymentIntentId: session.payment_intent ?? null,
      });
      return;
    }
    return fulfilCheckout(event, session);
  },
  'checkout.session.async_payment_succeeded': async (event, object) =>
    fulfilCheckout(event, checkoutSessionObject.parse(object)),
  'checkout.session.async_payment_failed': async (event, object) => {
    const session = checkoutSessionObject.parse(object);
    await markFailed(
      event,
      {
        paymentId: paymentIdOf(session),
        checkoutSessionId: session.id,
        paymentIntentId: session.payment_intent ?? null,
      },
      'failed',
      'The payment did not go through.',
    );
  },
  'checkout.session.expired': async (event, object) => {
    const session = checkoutSessionObject.parse(object);
    await markFailed(
      event,
      { paymentId: paymentIdOf(session), checkoutSessionId: session.id, paymentIntentId: null },
      'expired',
      'The checkout was not completed.',
    );
  },
  // Auto-recharge charges are off-session PaymentIntents; checkout ones are fulfilled above.
  'payment_intent.succeeded': async (event, object) => {
    const intent = paymentIntentObject.parse(object);
    if (intent.metadata.kind !== 'auto_recharge') return ignoreEvent(event);
    return fulfilPayment(
      event,
      {
        paymentId: intent.metadata.payment_id ?? null,
        checkoutSessionId: null,
        paymentIntentId: intent.id,
        amount: intent.amount,
        currency: intent.currency,
        customerId: intent.customer ?? null,
      },
      await paymentDetails(intent.id),
    );
  },
  'payment_intent.payment_failed': async (event, object) => {
    const intent = paymentIntentObject.parse(object);
    if (intent.metadata.kind !== 'auto_recharge') return ignoreEvent(event);
    await markFailed(
      event,
      {
        paymentId: intent.metadata.payment_id ?? null,
        checkoutSessionId: null,
        paymentIntentId: intent.id,
      },
      'failed',
      intent.last_payment_error?.message ?? 'The card was declined.',
    );
  },
  'customer.subscription.created': async (event, object) => {
    await mirrorSubscription(event, subscriptionObject.parse(object));
  },
  'customer.subscription.updated': async (event, object) => {
    await mirrorSubscription(event, subscriptionObject.parse(object));
  },
  'customer.subscription.deleted': async (event, object) => {
    await mirrorSubscription(event, subscriptionObject.parse(object));
  },
  // A paid invoice settles the postpaid usage it billed (once per invoice) and, for a
  // subscription, opens its plan period. The settlement goes first and records no event, so if
  // it fails Stripe's retry finds the event unseen and both steps run again.
  'invoice.paid': async (event, object) => {
    const invoice = postpaidInvoiceObject.parse(object);
    if (!invoiceSubscription(object)) return void (await settlePostpaidInvoice(event, invoice));
    await settlePostpaidInvoice(null, invoice);
    await openPaidPeriod(event, object);
  },
  // A failed one freezes the credit line and, for a subscription, marks it past due.
  'invoice.payment_failed': async (event, object) => {
    const invoice = postpaidInvoiceObject.parse(object);
    if (!invoiceSubscription(object)) return void (await freezePostpaidForInvoice(event, invoice));
    await freezePostpaidForInvoice(null, invoice);
    await recordFailedPayment(event, object);
  },
  // Stripe's reminder three days before a trial ends: recorded; the invoice that follows acts.
  'customer.subscription.trial_will_end': async (event, object) => {
    await mirrorSubscription(event, subscriptionObject.parse(object));
  },
  // A schedule's next phase is the plan change the mirror shows as pending (no value moves).
  'subscription_schedule.created': scheduleChanged,
  'subscription_schedule.updated': scheduleChanged,
  'subscription_schedule.released': scheduleChanged,
  'subscription_schedule.canceled': scheduleChanged,
  'subscription_schedule.completed': scheduleChanged,
  'subscription_schedule.aborted': scheduleChanged,
  'charge.refunded': async (event, object) => {
    const charge = chargeObject.parse(object);
    if (!charge.payment_intent) return ignoreEvent(event);
    await clawBack(event, charge.payment_intent, charge.amount_refunded);
  },
  'charge.dispute.created': async (event, object) => {
    const dispute = disputeObject.parse(object);
    if (!dispute.payment_intent) return ignoreEvent(event);
    await disputeOpened(event, {
      id: dispute.id,
      paymentIntentId: dispute.payment_intent,
      amount: dispute.amount,
      reason: dispute.reason ?? null,
    });
  },
  'charge.dispute.closed': async (event, object) => {
    const dispute = disputeObject.parse(object);
    await disputeClosed(event, { id: dispute.id, status: dispute.status });
  },
};

/** Handles one webhook delivery. Throws on a real failure (the route answers 500). */
export async function handleStripeWebhook(
  rawBody: string,
  signature: string | null,
): Promise<WebhookResult> {
  let verified: unknown;
  try {
    verified = verifyWebhook(rawBody, signature ?? '');
  } catch {
    return { status: 400, body: { error: 'The Stripe signature does not match this payload.' } };
  }
  const envelope = stripeEventEnvelope.safeParse(verified);
  if (!envelope.success) {
    return { status: 400, body: { error: 'The payload is not a Stripe event.' } };
  }
  const event: EventRef = {
    id: envelope.data.id,
    type: envelope.data.type,
    created: envelope.data.created,
  };
  // A cheap early answer for replays; the SQL functions are what make a replay a no-op.
  if (await eventSeen(event.id)) {
    return { status: 200, body: { received: true, outcome: 'replayed' } };
  }
  const handler = handlers[event.type];
  if (!handler) {
    await ignoreEvent(event);
    return { status: 200, body: { received: true, outcome: 'ignored' } };
  }
  let outcome: Outcome | void;
  try {
    outcome = await handler(event, envelope.data.data.object);
  } catch (error) {
    const reason = permanentFailure(error);
    if (!reason) throw error;
    await rejectEvent(event, reason);
    return { status: 200, body: { received: true, outcome: 'rejected' } };
  }
  const rejected = outcome?.status === 'rejected';
  return { status: 200, body: { received: true, outcome: rejected ? 'rejected' : 'handled' } };
}

/**
 * Why an event can never succeed, or null when a retry might (the database or Stripe was
 * unreachable, a deadlock, a timeout). Permanent: an object that does not parse, or a value the
 * SQL functions refuse as invalid (class TG4xx, or a data exception, class 22).
 */
function permanentFailure(error: unknown): string | null {
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const where = issue?.path.length ? `data.object.${issue.path.join('.')}` : 'data.object';
    return `Malformed event: ${where}: ${issue?.message ?? 'invalid'}.`;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (/^TG4\d\d$/.test(code) || code.startsWith('22'))) {
    return `Refused: ${(error as Error).message}`.slice(0, 500);
  }
  return null;
}

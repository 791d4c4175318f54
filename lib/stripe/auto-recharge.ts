import 'server-only';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { asService, listen, withUser, type DbSession } from '@/lib/db';
import { signWebhookPayload, stripeClient } from './client';
import { markFailed } from './fulfilment';
import { autoRechargeBody, type AutoRechargeInput, type PurchaseMetadata } from './schemas';
import { handleStripeWebhook } from './webhook';

/**
 * Auto-recharge. The decision is the ledger's: a spend that leaves a wallet below its armed
 * threshold disarms it and queues exactly one recharge payment, under the wallet lock (single
 * flight). This module is the dispatcher: it claims queued payments and creates one off-session
 * PaymentIntent each (idempotency key per payment) with the card saved at checkout. The credits
 * arrive through the webhook (payment_intent.succeeded); a declined card turns auto-recharge off
 * and tells the wallet's managers.
 */

interface AutoRechargeSettings {
  enabled: boolean;
  threshold: bigint | null;
  packageId: string | null;
  disabledReason: string | null;
  disabledAt: Date | null;
  hasPaymentMethod: boolean;
  paymentMethodLabel: string | null;
  inFlight: boolean;
}

export async function getAutoRecharge(
  session: DbSession,
  walletId: string,
): Promise<AutoRechargeSettings> {
  startAutoRechargeListener();
  return withUser(session, async (tx) => {
    const [card] = await tx<{ has_payment_method: boolean; label: string | null }[]>`
      select * from public.billing_payment_method(${walletId})`;
    const [row] = await tx<
      {
        enabled: boolean;
        threshold: bigint;
        package_id: string;
        disabled_reason: string | null;
        disabled_at: Date | null;
      }[]
    >`
      select enabled, threshold, package_id, disabled_reason, disabled_at
      from public.auto_recharge_settings where account_id = ${walletId}`;
    const [flight] = await tx<{ busy: boolean }[]>`
      select exists (select 1 from public.payments where account_id = ${walletId}
        and kind = 'auto_recharge' and status in ('pending', 'processing')) as busy`;
    return {
      enabled: row?.enabled ?? false,
      threshold: row?.threshold ?? null,
      packageId: row?.package_id ?? null,
      disabledReason: row?.disabled_reason ?? null,
      disabledAt: row?.disabled_at ?? null,
      hasPaymentMethod: card?.has_payment_method ?? false,
      paymentMethodLabel: card?.label ?? null,
      inFlight: flight?.busy ?? false,
    };
  });
}

/** Turns auto-recharge on or off (the wallet's user, or an org owner/admin; checked in SQL). */
export async function configureAutoRecharge(
  session: DbSession,
  walletId: string,
  input: AutoRechargeInput,
): Promise<AutoRechargeSettings> {
  const value = autoRechargeBody.parse(input);
  await withUser(
    session,
    (tx) => tx`select public.auto_recharge_configure(${walletId}, ${value.enabled},
      ${value.threshold.toString()}::bigint, ${value.packageId})`,
  );
  return getAutoRecharge(session, walletId);
}

interface ClaimedRecharge {
  payment_id: string;
  account_id: string;
  package_id: string | null;
  package_name: string;
  amount: bigint;
  currency: string;
  provider: 'stripe' | 'local';
  customer_id: string | null;
  payment_method_id: string | null;
}

async function chargeRecharge(recharge: ClaimedRecharge): Promise<void> {
  const metadata: PurchaseMetadata = {
    payment_id: recharge.payment_id,
    wallet_id: recharge.account_id,
    package_id: recharge.package_id ?? '',
    buyer_id: '',
    kind: 'auto_recharge',
  };
  if (!recharge.customer_id || !recharge.payment_method_id) {
    await markFailed(null, { ...ids(recharge), paymentIntentId: null }, 'failed', 'No saved card.');
    return;
  }
  if (recharge.provider === 'local') return chargeLocally(recharge, metadata);
  try {
    const intent = await stripeClient().paymentIntents.create(
      {
        amount: Number(recharge.amount),
        currency: recharge.currency,
        customer: recharge.customer_id,
        payment_method: recharge.payment_method_id,
        off_session: true,
        confirm: true,
        description: `${recharge.package_name} credit package (auto-recharge)`,
        metadata,
      },
      { idempotencyKey: `auto-recharge:${recharge.payment_id}` },
    );
    await asService(
      (tx) => tx`select public.auto_recharge_dispatched(${recharge.payment_id}, ${intent.id})`,
    );
  } catch (error) {
    // A decline is final: record it, switch auto-recharge off, tell the owner. Anything else
    // (network, rate limit) leaves the claim to be retried with the same idempotency key.
    if (error instanceof Stripe.errors.StripeCardError) {
      await markFailed(
        null,
        { ...ids(recharge), paymentIntentId: error.payment_intent?.id ?? null },
        'failed',
        error.message,
      );
      return;
    }
    throw error;
  }
}

function ids(recharge: ClaimedRecharge) {
  return { paymentId: recharge.payment_id, checkoutSessionId: null };
}

/** Local mode: the test card always pays; the event goes through the same webhook handler. */
async function chargeLocally(recharge: ClaimedRecharge, metadata: PurchaseMetadata) {
  const intentId = `pi_local_${randomBytes(12).toString('hex')}`;
  await asService(
    (tx) => tx`select public.auto_recharge_dispatched(${recharge.payment_id}, ${intentId})`,
  );
  const payload = JSON.stringify({
    id: `evt_local_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type: 'payment_intent.succeeded',
    data: {
      object: {
        id: intentId,
        object: 'payment_intent',
        amount: Number(recharge.amount),
        currency: recharge.currency,
        customer: recharge.customer_id,
        status: 'succeeded',
        metadata,
      },
    },
  });
  await handleStripeWebhook(payload, signWebhookPayload(payload));
}

/** Claims queued recharges and charges each once. Safe to run concurrently and repeatedly. */
export async function dispatchAutoRecharges(limit = 10): Promise<{ dispatched: number }> {
  const claimed = await asService(
    (tx) => tx<ClaimedRecharge[]>`select * from public.auto_recharge_claim(${limit})`,
  );
  const results = await Promise.allSettled(claimed.map(chargeRecharge));
  for (const result of results) {
    if (result.status === 'rejected') console.error('auto-recharge dispatch failed', result.reason);
  }
  return { dispatched: claimed.length };
}

let listening: Promise<unknown> | undefined;

/**
 * Dispatches as soon as a spend queues a recharge (Postgres NOTIFY from the ledger), in a
 * long-running server. Serverless deployments call dispatchAutoRecharges from the cron route.
 */
function startAutoRechargeListener(): void {
  if (listening || process.env.NODE_ENV === 'test') return;
  const dispatch = () =>
    void dispatchAutoRecharges().catch((error: unknown) => console.error(error));
  listening = listen('tollgate_auto_recharge', dispatch, dispatch).catch((error: unknown) => {
    listening = undefined;
    console.error('auto-recharge listener could not start', error);
  });
}

import 'server-only';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { AppError } from '@/lib/core';
import { withUser, type DbSession } from '@/lib/db';
import { billingMode, signWebhookPayload } from './client';
import type { PurchaseMetadata } from './schemas';
import { handleStripeWebhook } from './webhook';

/**
 * Local mode's stand-in for Stripe Checkout. Its page shows the purchase, clearly labelled as a
 * test; paying builds the checkout.session.completed event Stripe would send, signs it with the
 * webhook secret, and hands it to the very same webhook handler, so a local purchase takes
 * exactly the production fulfilment path. Cancelling delivers checkout.session.expired.
 */

export interface LocalCheckout {
  paymentId: string;
  sessionId: string;
  status: string;
  packageName: string;
  amount: bigint;
  currency: string;
  credits: bigint;
  bonusCredits: bigint;
  walletLabel: string;
  /** The credits page the buyer returns to. */
  returnPath: string;
}

interface CheckoutRow {
  id: string;
  account_id: string;
  package_id: string | null;
  buyer_id: string | null;
  status: string;
  provider: string;
  package_name: string;
  amount: bigint;
  currency: string;
  credits: bigint;
  bonus_credits: bigint;
  customer_id: string | null;
  org_name: string | null;
  org_slug: string | null;
}

async function findCheckout(session: DbSession, sessionId: string): Promise<CheckoutRow> {
  if (!/^cs_local_[0-9a-f]{24}$/.test(sessionId))
    throw new AppError('not_found', 'Checkout not found.');
  // Under the caller's RLS: only whoever manages the wallet's billing sees its payments.
  const [row] = await withUser(
    session,
    (tx) => tx<CheckoutRow[]>`
      select p.id, p.account_id, p.package_id, p.buyer_id, p.status, p.provider, p.package_name,
             p.amount, p.currency, p.credits, p.bonus_credits,
             'cus_local_' || replace(p.account_id::text, '-', '') as customer_id,
             o.name as org_name, o.slug as org_slug
      from public.payments p
      join public.accounts a on a.id = p.account_id
      left join public.organizations o on o.id = a.org_id
      where p.checkout_session_id = ${sessionId}`,
  );
  if (!row || row.provider !== 'local') throw new AppError('not_found', 'Checkout not found.');
  return row;
}

export async function getLocalCheckout(
  session: DbSession,
  sessionId: string,
): Promise<LocalCheckout> {
  const row = await findCheckout(session, sessionId);
  return {
    paymentId: row.id,
    sessionId,
    status: row.status,
    packageName: row.package_name,
    amount: row.amount,
    currency: row.currency,
    credits: row.credits,
    bonusCredits: row.bonus_credits,
    walletLabel: row.org_name ? `the ${row.org_name} organization wallet` : 'your personal wallet',
    returnPath: row.org_slug ? `/organizations/${row.org_slug}/credits` : '/credits',
  };
}

function localId(prefix: string): string {
  return `${prefix}_local_${randomBytes(12).toString('hex')}`;
}

/**
 * Pays (or cancels) a local test checkout by delivering a correctly signed event to the webhook
 * handler. Returns where the buyer goes next, with the message for the credits page.
 */
export async function completeLocalCheckout(
  session: DbSession,
  sessionId: string,
  outcome: 'pay' | 'cancel',
): Promise<string> {
  if (billingMode() !== 'local') {
    throw new AppError(
      'forbidden',
      'The test checkout exists only in local mode without Stripe keys.',
    );
  }
  const row = await findCheckout(session, sessionId);
  const back = (result: 'success' | 'cancelled') =>
    `${row.org_slug ? `/organizations/${row.org_slug}/credits` : '/credits'}?checkout=${result}&payment=${row.id}`;
  if (row.status !== 'pending') return back(row.status === 'paid' ? 'success' : 'cancelled');

  const metadata: PurchaseMetadata = {
    payment_id: row.id,
    wallet_id: row.account_id,
    package_id: row.package_id ?? '',
    buyer_id: row.buyer_id ?? session.userId,
    kind: 'checkout',
  };
  const paid = outcome === 'pay';
  const event = {
    id: localId('evt'),
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: paid ? 'checkout.session.completed' : 'checkout.session.expired',
    data: {
      object: {
        id: sessionId,
        object: 'checkout.session',
        mode: 'payment',
        status: paid ? 'complete' : 'expired',
        payment_status: paid ? 'paid' : 'unpaid',
        amount_total: Number(row.amount),
        currency: row.currency,
        customer: row.customer_id,
        client_reference_id: row.id,
        payment_intent: paid ? localId('pi') : null,
        metadata,
      },
    },
  };
  const payload = JSON.stringify(event);
  const result = await handleStripeWebhook(payload, signWebhookPayload(payload));
  if (result.status !== 200) {
    throw new Error(`The local webhook refused its own event: ${JSON.stringify(result.body)}`);
  }
  return back(paid ? 'success' : 'cancelled');
}

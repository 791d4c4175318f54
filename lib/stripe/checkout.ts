import 'server-only';
import { randomBytes, randomUUID } from 'node:crypto';
import { AppError, one } from '@/lib/core';
import type { Session } from '@/lib/auth';
import { resolveWallet, type WalletRef } from '@/lib/credits';
import { asService, withUser } from '@/lib/db';
import { env } from '@/lib/env';
import { billingMode, stripeClient } from './client';
import type { PurchaseMetadata } from './schemas';

/**
 * Buying a package: a payment row per attempt (payment_begin checks the caller may buy for the
 * wallet), then a Stripe Checkout Session in payment mode — or, in local mode, the local test
 * checkout page. Either way the credits arrive only through the webhook's fulfilment.
 */

interface CheckoutStart {
  paymentId: string;
  url: string;
  replayed: boolean;
}

interface BeginRow {
  payment_id: string;
  status: string;
  checkout_url: string | null;
  amount: bigint;
  currency: string;
  package_name: string;
  credits: bigint;
  bonus_credits: bigint;
  stripe_price_id: string | null;
  customer_id: string | null;
  replayed: boolean;
}

interface Owner {
  /** Where Checkout sends the buyer back: the credits page of the wallet. */
  returnPath: string;
  customerName: string;
  customerMetadata: Record<string, string>;
}

async function ownerOf(session: Session, ref: WalletRef): Promise<Owner> {
  if (ref.type === 'personal') {
    return {
      returnPath: '/credits',
      customerName: session.email,
      customerMetadata: { user_id: session.userId },
    };
  }
  const [org] = await withUser(
    session,
    (tx) => tx<{ slug: string; name: string }[]>`
      select slug, name from public.organizations where id = ${ref.orgId}`,
  );
  if (!org) throw new AppError('not_found', 'Organization not found.');
  return {
    returnPath: `/organizations/${org.slug}/credits`,
    customerName: org.name,
    customerMetadata: { org_id: ref.orgId },
  };
}

/** Starts (or, with the same attempt key, replays) a purchase and returns the checkout URL. */
export async function startCheckout(
  session: Session,
  input: { wallet: WalletRef; packageId: string; attemptKey?: string },
): Promise<CheckoutStart> {
  const mode = billingMode();
  if (mode === 'disabled') {
    throw new AppError('unavailable', 'Buying credits is not available: Stripe is not configured.');
  }
  const walletId = await resolveWallet(session, input.wallet);
  const attemptKey = input.attemptKey ?? randomUUID();
  const payment = one(
    await withUser(
      session,
      (tx) => tx<BeginRow[]>`
        select * from public.payment_begin(${walletId}, ${input.packageId}, ${attemptKey}, ${mode})`,
    ),
    'result of payment_begin',
  );
  if (payment.status !== 'pending') {
    throw new AppError('conflict', `This purchase attempt is already ${payment.status}.`, {
      paymentId: payment.payment_id,
    });
  }
  if (payment.checkout_url) {
    return { paymentId: payment.payment_id, url: payment.checkout_url, replayed: true };
  }
  const owner = await ownerOf(session, input.wallet);
  const metadata: PurchaseMetadata = {
    payment_id: payment.payment_id,
    wallet_id: walletId,
    package_id: input.packageId,
    buyer_id: session.userId,
    kind: 'checkout',
  };
  const created =
    mode === 'local'
      ? await startLocalCheckout(walletId, payment)
      : await startStripeCheckout(session, walletId, payment, owner, metadata);
  await asService(
    (tx) => tx`select public.payment_attach_checkout(${payment.payment_id}, ${created.sessionId},
      ${created.url})`,
  );
  return { paymentId: payment.payment_id, url: created.url, replayed: false };
}

/** One Stripe customer per wallet: created once (idempotently), then reused. */
async function ensureCustomer(session: Session, walletId: string, owner: Owner): Promise<string> {
  const customer = await stripeClient().customers.create(
    {
      email: session.email || undefined,
      name: owner.customerName,
      metadata: { wallet_id: walletId, ...owner.customerMetadata },
    },
    { idempotencyKey: `customer:${walletId}` },
  );
  const saved = one(
    await asService(
      (tx) => tx<{ id: string }[]>`
        select public.billing_customer_save(${walletId}, 'stripe', ${customer.id}) as id`,
    ),
    'result of billing_customer_save',
  );
  return saved.id;
}

async function startStripeCheckout(
  session: Session,
  walletId: string,
  payment: BeginRow,
  owner: Owner,
  metadata: PurchaseMetadata,
): Promise<{ sessionId: string; url: string }> {
  const customer = payment.customer_id ?? (await ensureCustomer(session, walletId, owner));
  const returnUrl = new URL(owner.returnPath, env().APP_URL);
  const back = (outcome: 'success' | 'cancelled') => {
    const url = new URL(returnUrl);
    url.searchParams.set('checkout', outcome);
    url.searchParams.set('payment', payment.payment_id);
    return url.toString();
  };
  const description = `${payment.package_name} credit package`;
  const checkout = await stripeClient().checkout.sessions.create(
    {
      mode: 'payment',
      customer,
      client_reference_id: payment.payment_id,
      line_items: [
        payment.stripe_price_id
          ? { price: payment.stripe_price_id, quantity: 1 }
          : {
              quantity: 1,
              price_data: {
                currency: payment.currency,
                unit_amount: Number(payment.amount),
                product_data: { name: description },
              },
            },
      ],
      metadata,
      // The card is kept on the customer for auto-recharge's off-session payments.
      payment_intent_data: { setup_future_usage: 'off_session', metadata, description },
      success_url: back('success'),
      cancel_url: back('cancelled'),
    },
    { idempotencyKey: `checkout:${payment.payment_id}` },
  );
  if (!checkout.url) throw new Error(`Checkout Session ${checkout.id} came back without a URL`);
  return { sessionId: checkout.id, url: checkout.url };
}

/** Local mode: a test customer and a session id whose checkout page lives in this app. */
async function startLocalCheckout(
  walletId: string,
  payment: BeginRow,
): Promise<{ sessionId: string; url: string }> {
  if (!payment.customer_id) {
    await asService(
      (tx) => tx`select public.billing_customer_save(${walletId}, 'local',
        ${`cus_local_${walletId.replaceAll('-', '')}`})`,
    );
  }
  const sessionId = `cs_local_${randomBytes(12).toString('hex')}`;
  return { sessionId, url: `/checkout/local/${sessionId}` };
}

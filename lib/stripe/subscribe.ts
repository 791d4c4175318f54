import 'server-only';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import Stripe from 'stripe';
import { AppError, one } from '@/lib/core';
import type { Session } from '@/lib/auth';
import { resolveWallet, type WalletRef } from '@/lib/credits';
import { asService, withUser, type DbSession } from '@/lib/db';
import { env } from '@/lib/env';
import { billingMode, stripeClient } from './client';

/**
 * Subscribing to a plan: billing_subscribe_begin checks the caller manages the wallet (a plain
 * org member gets 403), that the plan is sold at that interval (422) and that the wallet has no
 * live subscription; then a Checkout Session in subscription mode — or, in local mode, the local
 * test checkout. The plan arrives only through the webhook (a paid invoice opens its period).
 */

export type BillingInterval = 'month' | 'year';

interface BeginRow {
  plan_name: string;
  currency: string;
  amount: bigint;
  trial_days: number;
  stripe_price_id: string | null;
  stripe_product_id: string | null;
  customer_id: string | null;
  subject_kind: 'user' | 'org';
  subject_id: string;
}

/** What the local test checkout shows and completes (signed, so it cannot be altered). */
export interface LocalSubscriptionOffer {
  accountId: string;
  planId: string;
  interval: BillingInterval;
  userId: string;
  /** Where the buyer returns: the billing page of the wallet. */
  returnPath: string;
}

async function returnPathOf(session: Session, wallet: WalletRef): Promise<string> {
  if (wallet.type === 'personal') return '/billing';
  const [org] = await withUser(
    session,
    (tx) =>
      tx<{ slug: string }[]>`select slug from public.organizations where id = ${wallet.orgId}`,
  );
  if (!org) throw new AppError('not_found', 'Organization not found.');
  return `/organizations/${org.slug}/billing`;
}

async function begin(session: DbSession, accountId: string, planId: string, interval: string) {
  return one(
    await withUser(
      session,
      (tx) => tx<BeginRow[]>`
        select * from public.billing_subscribe_begin(${accountId}, ${planId}, ${interval})`,
    ),
    'result of billing_subscribe_begin',
  );
}

/** Starts a subscription checkout and returns the URL to send the buyer to. */
export async function startSubscription(
  session: Session,
  input: { wallet: WalletRef; planId: string; interval: BillingInterval },
): Promise<{ url: string }> {
  const mode = billingMode();
  if (mode === 'disabled') {
    throw new AppError('unavailable', 'Subscriptions are not available: Stripe is not configured.');
  }
  const accountId = await resolveWallet(session, input.wallet);
  const offer = await begin(session, accountId, input.planId, input.interval);
  const returnPath = await returnPathOf(session, input.wallet);
  if (mode === 'local') {
    const token = signOffer({
      accountId,
      planId: input.planId,
      interval: input.interval,
      userId: session.userId,
      returnPath,
    });
    return { url: `/checkout/subscribe?offer=${token}` };
  }
  try {
    return await startStripeSubscription(session, accountId, input, offer, returnPath);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError && !(error instanceof AppError)) {
      throw new AppError(
        'unavailable',
        'Stripe could not be reached. Nothing was charged; try again.',
      );
    }
    throw error;
  }
}

async function startStripeSubscription(
  session: Session,
  accountId: string,
  input: { wallet: WalletRef; planId: string; interval: BillingInterval },
  offer: BeginRow,
  returnPath: string,
): Promise<{ url: string }> {
  const stripe = stripeClient();
  let customer = offer.customer_id;
  if (!customer || customer.startsWith('cus_local_')) {
    const created = await stripe.customers.create(
      {
        email: session.email || undefined,
        metadata: {
          wallet_id: accountId,
          ...(input.wallet.type === 'org'
            ? { org_id: input.wallet.orgId }
            : { user_id: session.userId }),
        },
      },
      { idempotencyKey: `customer:${accountId}` },
    );
    customer = one(
      await asService(
        (tx) => tx<{ id: string }[]>`
          select public.billing_customer_save(${accountId}, 'stripe', ${created.id}) as id`,
      ),
      'result of billing_customer_save',
    ).id;
  }
  const metadata = { account_id: accountId, plan_id: input.planId, buyer_id: session.userId };
  const back = new URL(returnPath, env().APP_URL);
  const success = new URL(back);
  success.searchParams.set('checkout', 'success');
  const cancel = new URL('/pricing', env().APP_URL);
  cancel.searchParams.set('checkout', 'cancelled');
  const checkout = await stripe.checkout.sessions.create(
    {
      mode: 'subscription',
      customer,
      client_reference_id: accountId,
      line_items: [
        offer.stripe_price_id
          ? { price: offer.stripe_price_id, quantity: 1 }
          : {
              quantity: 1,
              price_data: {
                currency: offer.currency,
                unit_amount: Number(offer.amount),
                recurring: { interval: input.interval },
                product_data: { name: `${offer.plan_name} plan` },
              },
            },
      ],
      metadata,
      subscription_data: {
        metadata,
        ...(offer.trial_days > 0 ? { trial_period_days: offer.trial_days } : {}),
      },
      billing_address_collection: 'required',
      tax_id_collection: { enabled: true },
      customer_update: { address: 'auto', name: 'auto' },
      ...(env().STRIPE_AUTOMATIC_TAX ? { automatic_tax: { enabled: true } } : {}),
      success_url: success.toString(),
      cancel_url: cancel.toString(),
    },
    {
      idempotencyKey: `subscribe:${accountId}:${input.planId}:${input.interval}:${randomBytes(6).toString('hex')}`,
    },
  );
  if (!checkout.url) throw new Error(`Checkout Session ${checkout.id} came back without a URL`);
  return { url: checkout.url };
}

function offerKey(): Buffer {
  const secret = env().AUTH_JWT_SECRET;
  if (!secret) throw new AppError('unavailable', 'Local checkout needs AUTH_JWT_SECRET.');
  return createHmac('sha256', secret).update('tollgate-local-subscription-offer').digest();
}

function signOffer(offer: LocalSubscriptionOffer): string {
  const payload = Buffer.from(JSON.stringify(offer)).toString('base64url');
  const mac = createHmac('sha256', offerKey()).update(payload).digest('base64url');
  return `${payload}.${mac}`;
}

/** The offer a local checkout token carries, or a 404 when it was altered or is someone else's. */
export function readLocalOffer(session: DbSession, token: string): LocalSubscriptionOffer {
  const [payload, mac] = token.split('.');
  const expected = payload ? createHmac('sha256', offerKey()).update(payload).digest() : null;
  const given = mac ? Buffer.from(mac, 'base64url') : null;
  if (
    !expected ||
    !given ||
    given.length !== expected.length ||
    !timingSafeEqual(given, expected)
  ) {
    throw new AppError('not_found', 'Checkout not found.');
  }
  const offer = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as LocalSubscriptionOffer;
  if (offer.userId !== session.userId) throw new AppError('not_found', 'Checkout not found.');
  return offer;
}

/** What the local checkout page shows for an offer (checked again under the caller's rights). */
export async function describeLocalOffer(session: DbSession, offer: LocalSubscriptionOffer) {
  const row = await begin(session, offer.accountId, offer.planId, offer.interval);
  return {
    planName: row.plan_name,
    amount: row.amount,
    currency: row.currency,
    trialDays: row.trial_days,
  };
}

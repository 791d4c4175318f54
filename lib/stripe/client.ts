import 'server-only';
import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { AppError } from '@/lib/core';
import { env, isSupabaseAuth } from '@/lib/env';

/**
 * How purchases are paid here:
 *   stripe    STRIPE_SECRET_KEY is set: the real Stripe API (or, in tests, a fake at STRIPE_API_URL);
 *   local     local mode without keys: a clearly labelled test checkout page that completes the
 *             purchase by delivering a correctly signed event to the same webhook handler;
 *   disabled  Supabase is configured but Stripe is not: purchases are refused.
 */
type BillingMode = 'stripe' | 'local' | 'disabled';

export function billingMode(): BillingMode {
  if (env().STRIPE_SECRET_KEY) return 'stripe';
  return isSupabaseAuth() ? 'disabled' : 'local';
}

let cached: { signature: string; client: Stripe } | undefined;

/** The Stripe SDK client for this process (reused while the key and API URL stay the same). */
export function stripeClient(): Stripe {
  const { STRIPE_SECRET_KEY: key, STRIPE_API_URL: apiUrl } = env();
  if (!key) {
    throw new AppError('unavailable', 'Payments are not configured: set STRIPE_SECRET_KEY.');
  }
  const signature = `${key}|${apiUrl ?? ''}`;
  if (cached?.signature !== signature) {
    const url = apiUrl ? new URL(apiUrl) : undefined;
    const protocol = url?.protocol === 'http:' ? 'http' : 'https';
    cached = {
      signature,
      client: new Stripe(key, {
        maxNetworkRetries: 2,
        timeout: 20_000,
        appInfo: { name: 'Tollgate' },
        ...(url
          ? { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol }
          : {}),
      }),
    };
  }
  return cached.client;
}

/**
 * The secret webhook signatures are checked with. Local mode without STRIPE_WEBHOOK_SECRET
 * derives one from AUTH_JWT_SECRET, so the local checkout can sign events nobody else can; with
 * a real Stripe key the configured secret is required.
 */
function webhookSecret(): string {
  const { STRIPE_WEBHOOK_SECRET, AUTH_JWT_SECRET } = env();
  if (STRIPE_WEBHOOK_SECRET) return STRIPE_WEBHOOK_SECRET;
  if (billingMode() === 'local' && AUTH_JWT_SECRET) {
    const digest = createHmac('sha256', AUTH_JWT_SECRET)
      .update('tollgate-local-stripe-webhook')
      .digest('hex');
    return `whsec_local_${digest}`;
  }
  throw new AppError(
    'unavailable',
    'Stripe webhooks are not configured: set STRIPE_WEBHOOK_SECRET.',
  );
}

/** How far a signature's timestamp may be from now, either way (Stripe's default tolerance). */
const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Verifies a webhook's signature on the raw body and returns the event (throws when wrong). The
 * SDK refuses timestamps older than the tolerance; one dated further in the future is refused
 * here too, so a signature cannot be minted now for replay later.
 */
export function verifyWebhook(rawBody: string, signature: string): Stripe.Event {
  const event = Stripe.webhooks.constructEvent(
    rawBody,
    signature,
    webhookSecret(),
    SIGNATURE_TOLERANCE_SECONDS,
  );
  const signedAt = Number(/(?:^|,)t=(\d+)/.exec(signature)?.[1]);
  if (!(signedAt <= Date.now() / 1000 + SIGNATURE_TOLERANCE_SECONDS)) {
    throw new Error('The Stripe signature is dated in the future.');
  }
  return event;
}

/** Signs a payload exactly as Stripe does (used by the local checkout, never with real keys). */
export function signWebhookPayload(payload: string): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret() });
}

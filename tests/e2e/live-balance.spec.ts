import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Stripe from 'stripe';
import { expect, test, type Page } from '@playwright/test';
import { withE2eDatabase } from './e2e-db';
import { demoUsers, screenshot, storageState } from './users';

/**
 * Money moved by someone else reaches open pages without a reload: Stripe refunds a payment
 * (a signed charge.refunded delivered to the webhook, as Stripe would) while Priya has her
 * credits page open, and the header, the balance card and the history follow within seconds.
 */

const root = path.resolve(import.meta.dirname, '../..');

/** The secret the server checks Stripe signatures with (local mode derives it, lib/stripe/client). */
function webhookSecret(): string {
  if (process.env.STRIPE_WEBHOOK_SECRET) return process.env.STRIPE_WEBHOOK_SECRET;
  const secretFile = path.join(root, '.data', 'auth-secret');
  const authSecret =
    process.env.AUTH_JWT_SECRET ??
    (existsSync(secretFile) ? readFileSync(secretFile, 'utf8').trim() : '');
  const digest = createHmac('sha256', authSecret)
    .update('tollgate-local-stripe-webhook')
    .digest('hex');
  return `whsec_local_${digest}`;
}

async function refund(page: Page, intent: string, amountRefunded: number, eventId: string) {
  const payload = JSON.stringify({
    id: eventId,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'charge.refunded',
    data: {
      object: {
        id: `ch_${intent.slice(3)}`,
        object: 'charge',
        payment_intent: intent,
        amount: 1000,
        amount_refunded: amountRefunded,
        currency: 'usd',
      },
    },
  });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret() });
  // A request of its own (no cookies), the way Stripe calls.
  const response = await page.context().request.fetch('/api/stripe/webhook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    data: payload,
  });
  expect(response.status(), await response.text()).toBe(200);
}

/** A paid Starter package (100 credits, $10) for Priya, fulfilled as the webhook fulfils one. */
async function paidStarterPackage(intent: string): Promise<void> {
  const session = `cs_local_${intent.slice(3)}`;
  await withE2eDatabase(async (sql) => {
    const [row] = await sql<{ id: string }[]>`
      insert into public.payments (account_id, package_id, buyer_id, kind, provider, attempt_key, package_name,
                                   amount, currency, credits, bonus_credits, bonus_expires_days,
                                   checkout_session_id)
      select a.id, p.id, ${demoUsers.pro.id}, 'checkout', 'local', ${`e2e-${intent}`}, p.name, p.price_amount,
             p.currency, p.credits, p.bonus_credits, p.bonus_expires_days, ${session}
      from public.accounts a, public.credit_packages p
      where a.user_id = ${demoUsers.pro.id} and p.slug = 'starter'
      returning id`;
    await sql`select * from public.payment_fulfil(${`evt_${intent}_paid`}, 'checkout.session.completed',
      ${row!.id}, ${session}, ${intent}, 1000, 'usd', null, null, null, null, null)`;
  });
}

/** "1,234.50" (or "−5.00") as a number, for comparing what a page shows. */
const credits = (text: string | null) =>
  Number((text ?? '').replace('−', '-').replace(/[^\d.-]/g, ''));

async function apiAvailable(page: Page): Promise<number> {
  const response = await page.request.get('/api/credits');
  return Number(BigInt(((await response.json()) as { available: string }).available)) / 1e6;
}

test.use({ storageState: storageState('pro') });

test('a Stripe refund reaches the open credits page and the header without a reload', async ({
  page,
}) => {
  const intent = `pi_e2e_live_${Date.now().toString(36)}`;
  await paidStarterPackage(intent);

  await page.goto('/credits');
  const header = page.getByTestId('header-balance-amount');
  const card = page.getByTestId('balance-available');
  const before = await apiAvailable(page);
  await expect.poll(() => card.textContent().then(credits)).toBeCloseTo(before, 2);
  // The header's first read, and with it the ledger pulse's (what later movements are compared
  // with), has happened: the card's figure above may still be the server-rendered HTML.
  await expect(header).toBeVisible();
  // Marks this document: a reload would lose it.
  await page.evaluate(() => document.documentElement.setAttribute('data-still-here', 'yes'));

  // Half the payment is refunded: 50 of its 100 credits go back.
  await refund(page, intent, 500, `evt_${intent}_half`);
  await expect
    .poll(() => header.textContent().then(credits), { timeout: 10_000 })
    .toBeCloseTo(before - 50, 2);
  await expect
    .poll(() => card.textContent().then(credits), { timeout: 10_000 })
    .toBeCloseTo(before - 50, 2);
  await page.screenshot({ path: screenshot('live-balance-refund'), fullPage: true });

  // On the history tab (newest first, after the header row): the refund, then the purchase.
  // Refund rows of earlier runs lie further down, so rows are read by position, not counted.
  await page.getByRole('tab', { name: 'History' }).click();
  const rows = page.getByRole('table', { name: 'Transactions' }).getByRole('row');
  await expect(rows.nth(1)).toContainText('Refund of Starter package', { timeout: 10_000 });
  await expect(rows.nth(1)).toContainText('−50.00');
  await expect(rows.nth(2)).not.toContainText('Refund');
  // The rest of the refund arrives as a new row on top, still without a reload.
  await refund(page, intent, 1000, `evt_${intent}_rest`);
  await expect(rows.nth(2)).toContainText('Refund of Starter package', { timeout: 10_000 });
  await expect(rows.nth(1)).toContainText('Refund of Starter package');
  await expect(rows.nth(1)).toContainText('−50.00');
  await expect
    .poll(() => header.textContent().then(credits), { timeout: 10_000 })
    .toBeCloseTo(before - 100, 2);
  expect(await page.evaluate(() => document.documentElement.getAttribute('data-still-here'))).toBe(
    'yes',
  );
  await page.screenshot({ path: screenshot('live-balance-history'), fullPage: true });
});

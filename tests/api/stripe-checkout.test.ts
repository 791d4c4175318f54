import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import Stripe from 'stripe';
import { POST as purchase } from '../../app/api/credits/purchase/route';
import { POST as orgPurchase } from '../../app/api/orgs/[orgId]/credits/purchase/route';
import { syncPackagesToStripe } from '../../lib/stripe/package-sync';
import {
  createOrg,
  createUser,
  db,
  request,
  routeParams,
  type TestUser,
} from '../helpers/fixtures';
import { walletOf } from '../helpers/ledger';
import { packageId, useFakeStripe, type FakeStripe } from '../helpers/stripe';

/**
 * Checkout Session creation through the real Stripe SDK, against a fake Stripe API server that
 * records what it receives.
 */

let fake: FakeStripe;
let buyer: TestUser, owner: TestUser, admin: TestUser, member: TestUser, stranger: TestUser;
let org: { id: string; slug: string };

beforeAll(async () => {
  fake = await useFakeStripe();
  buyer = await createUser('Buyer');
  owner = await createUser('Owner');
  admin = await createUser('Admin');
  member = await createUser('Member');
  stranger = await createUser('Stranger');
  org = await createOrg(owner, [
    { user: admin, role: 'admin' },
    { user: member, role: 'member' },
  ]);
});
afterAll(() => fake.close());

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

describe('POST /api/credits/purchase', () => {
  it('creates a payment-mode Checkout Session naming wallet, package and buyer, and returns its URL', async () => {
    const growth = await packageId('growth');
    const response = await purchase(
      await request('/api/credits/purchase', { user: buyer, body: { packageId: growth } }),
    );
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.url).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_fake\d+$/);

    const [customer] = fake.requestsTo('POST', '/v1/customers');
    expect(customer!.body).toMatchObject({
      email: buyer.email,
      metadata: { wallet_id: await walletOf({ userId: buyer.id }), user_id: buyer.id },
    });
    expect(customer!.idempotencyKey).toBe(`customer:${await walletOf({ userId: buyer.id })}`);
    expect(customer!.authorization).toBe('Bearer sk_test_tollgate_fake');

    const [session] = fake.requestsTo('POST', '/v1/checkout/sessions');
    const metadata = {
      payment_id: body.paymentId,
      wallet_id: await walletOf({ userId: buyer.id }),
      package_id: growth,
      buyer_id: buyer.id,
      kind: 'checkout',
    };
    expect(session!.body).toEqual({
      mode: 'payment',
      customer: 'cus_fake000001',
      client_reference_id: body.paymentId,
      line_items: [
        {
          quantity: '1',
          price_data: {
            currency: 'usd',
            unit_amount: '4500',
            product_data: { name: 'Growth credit package' },
          },
        },
      ],
      metadata,
      payment_intent_data: {
        setup_future_usage: 'off_session',
        metadata,
        description: 'Growth credit package',
      },
      success_url: `https://app.tollgate.test/credits?checkout=success&payment=${body.paymentId}`,
      cancel_url: `https://app.tollgate.test/credits?checkout=cancelled&payment=${body.paymentId}`,
    });
    expect(session!.idempotencyKey).toBe(`checkout:${body.paymentId}`);

    const [payment] = await db()`
      select status, kind, provider, amount, credits, bonus_credits, checkout_session_id
      from public.payments where id = ${body.paymentId as string}`;
    expect(payment).toMatchObject({
      status: 'pending',
      kind: 'checkout',
      provider: 'stripe',
      amount: 4500n,
      credits: 500_000_000n,
      bonus_credits: 50_000_000n,
    });
    expect(String(payment!.checkout_session_id)).toMatch(/^cs_test_fake/);
  });

  it('reuses the customer; each attempt gets its own key; a retried attempt returns the same URL', async () => {
    const starter = await packageId('starter');
    const before = fake.requests.length;
    const first = await json(
      await purchase(
        await request('/api/credits/purchase', {
          user: buyer,
          body: { packageId: starter },
          headers: { 'idempotency-key': 'attempt-1' },
        }),
      ),
    );
    const retry = await json(
      await purchase(
        await request('/api/credits/purchase', {
          user: buyer,
          body: { packageId: starter },
          headers: { 'idempotency-key': 'attempt-1' },
        }),
      ),
    );
    expect(retry).toEqual(first); // the first answer, replayed as it was
    const other = await json(
      await purchase(
        await request('/api/credits/purchase', { user: buyer, body: { packageId: starter } }),
      ),
    );
    expect(other.paymentId).not.toBe(first.paymentId);

    const sent = fake.requests.slice(before);
    expect(sent.filter((r) => r.path === '/v1/customers')).toHaveLength(0);
    const sessions = sent.filter((r) => r.path === '/v1/checkout/sessions');
    expect(sessions.map((r) => r.idempotencyKey)).toEqual([
      `checkout:${first.paymentId}`,
      `checkout:${other.paymentId}`,
    ]);
    expect(sessions.every((r) => r.body.customer === 'cus_fake000001')).toBe(true);

    const conflict = await purchase(
      await request('/api/credits/purchase', {
        user: buyer,
        body: { packageId: await packageId('scale') },
        headers: { 'idempotency-key': 'attempt-1' },
      }),
    );
    expect(conflict.status).toBe(409);
  });

  it('uses the synced Stripe price once stripe:sync has run', async () => {
    const pool = postgres(process.env.DATABASE_URL!, {
      max: 1,
      onnotice: () => {},
      types: { bigint: postgres.BigInt },
    });
    const stripe = new Stripe('sk_test_tollgate_fake', {
      host: '127.0.0.1',
      port: new URL(fake.url).port,
      protocol: 'http',
    });
    const reports = await syncPackagesToStripe(pool, stripe);
    expect(reports.map((r) => [r.slug, r.product, r.price])).toEqual([
      ['starter', 'created', 'created'],
      ['growth', 'created', 'created'],
      ['scale', 'created', 'created'],
    ]);
    const [product] = fake.requestsTo('POST', '/v1/products');
    expect(product!.body).toMatchObject({ name: 'Starter credits', active: 'true' });
    expect(fake.requestsTo('POST', '/v1/prices')[1]!.body).toMatchObject({
      unit_amount: '4500',
      currency: 'usd',
    });
    // A second run changes nothing; a new price creates a new Stripe price and archives the old.
    const again = await syncPackagesToStripe(pool, stripe);
    expect(again.every((r) => r.product === 'updated' && r.price === 'kept')).toBe(true);
    await db()`update public.credit_packages set price_amount = 1200, stripe_price_id = null where slug = 'starter'`;
    const repriced = await syncPackagesToStripe(pool, stripe);
    expect(repriced[0]).toMatchObject({ slug: 'starter', price: 'created' });
    expect(repriced[0]!.priceId).not.toBe(reports[0]!.priceId);
    expect(fake.requestsTo('POST', `/v1/prices/${reports[0]!.priceId}`).at(-1)!.body).toEqual({
      active: 'false',
    });
    await pool.end();

    const response = await purchase(
      await request('/api/credits/purchase', {
        user: buyer,
        body: { packageId: await packageId('growth') },
      }),
    );
    expect(response.status).toBe(200);
    const last = fake.requestsTo('POST', '/v1/checkout/sessions').at(-1)!;
    expect(last.body.line_items).toEqual([{ price: reports[1]!.priceId, quantity: '1' }]);
  });

  it('422 for a body that is not a package id; 404 for an unknown or inactive package', async () => {
    expect(
      (
        await purchase(
          await request('/api/credits/purchase', { user: buyer, body: { packageId: 'growth' } }),
        )
      ).status,
    ).toBe(422);
    const unknown = await purchase(
      await request('/api/credits/purchase', {
        user: buyer,
        body: { packageId: '00000000-0000-4000-8000-00000000abcd' },
      }),
    );
    expect(unknown.status).toBe(404);
    expect((await purchase(await request('/api/credits/purchase', { body: {} }))).status).toBe(401);
  });
});

describe('POST /api/orgs/[orgId]/credits/purchase', () => {
  const buy = async (user: TestUser) =>
    orgPurchase(
      await request(`/api/orgs/${org.id}/credits/purchase`, {
        user,
        body: { packageId: await packageId('scale') },
      }),
      routeParams({ orgId: org.id }),
    );

  it('owners and admins buy for the org wallet, with one customer for the org', async () => {
    const before = fake.requests.length;
    const byOwner = await buy(owner);
    const byAdmin = await buy(admin);
    expect(byOwner.status).toBe(200);
    expect(byAdmin.status).toBe(200);
    const sent = fake.requests.slice(before);
    const customers = sent.filter((r) => r.path === '/v1/customers');
    expect(customers).toHaveLength(1);
    expect(customers[0]!.body.metadata).toMatchObject({ org_id: org.id });
    const sessions = sent.filter((r) => r.path === '/v1/checkout/sessions');
    expect(new Set(sessions.map((r) => r.body.customer)).size).toBe(1);
    expect(sessions[1]!.body.metadata).toMatchObject({
      wallet_id: await walletOf({ orgId: org.id }),
      buyer_id: admin.id,
    });
    expect(sessions[0]!.body.success_url).toBe(
      `https://app.tollgate.test/organizations/${org.slug}/credits?checkout=success&payment=${String((await json(byOwner)).paymentId)}`,
    );
  });

  it('403 for a plain member and 404 for a stranger; nothing reaches Stripe', async () => {
    const before = fake.requests.length;
    const byMember = await buy(member);
    expect(byMember.status).toBe(403);
    expect((await json(byMember)).code).toBe('forbidden');
    expect((await buy(stranger)).status).toBe(404);
    expect(fake.requests.length).toBe(before);
    const [count] = await db()`
      select count(*)::int as n from public.payments where buyer_id in (${member.id}, ${stranger.id})`;
    expect(count!.n).toBe(0);
  });
});

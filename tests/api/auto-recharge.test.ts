import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { POST as purchase } from '../../app/api/credits/purchase/route';
import { PUT as configure } from '../../app/api/credits/auto-recharge/route';
import { PUT as configureOrg } from '../../app/api/orgs/[orgId]/credits/auto-recharge/route';
import { dispatchAutoRecharges } from '../../lib/stripe';
import {
  claimsFor,
  createOrg,
  createUser,
  db,
  request,
  routeParams,
  type TestUser,
} from '../helpers/fixtures';
import { CREDIT, available, ledgerCheck, walletOf } from '../helpers/ledger';
import {
  completedSession,
  deliver,
  packageId,
  stripeEvent,
  useFakeStripe,
  type FakeStripe,
} from '../helpers/stripe';

/**
 * Auto-recharge: when spends take a wallet below its threshold, exactly one off-session
 * PaymentIntent is created (single flight per wallet), the credits arrive through the webhook,
 * and a declined card turns auto-recharge off and tells the owner.
 */

let fake: FakeStripe;
let user: TestUser;
let wallet: string;
let clients: postgres.Sql;

beforeAll(async () => {
  fake = await useFakeStripe();
  clients = postgres(process.env.DATABASE_URL!, {
    max: 20,
    onnotice: () => {},
    types: { bigint: postgres.BigInt },
  });
  user = await createUser('Recharger');
  wallet = await walletOf({ userId: user.id });
  // A first purchase through Checkout saves the card (pm_card_visa) on the customer.
  const response = await purchase(
    await request('/api/credits/purchase', {
      user,
      body: { packageId: await packageId('growth') },
    }),
  );
  const { paymentId } = (await response.json()) as { paymentId: string };
  await deliver(stripeEvent('checkout.session.completed', await completedSession(paymentId)));
  return () => clients.end();
});
afterAll(() => fake.close());

const enable = async (enabled = true, who = user) =>
  configure(
    await request('/api/credits/auto-recharge', {
      method: 'PUT',
      user: who,
      body: {
        enabled,
        threshold: (100n * CREDIT).toString(),
        packageId: await packageId('starter'),
      },
    }),
  );

/** `count` spends of `amount` at once, each on its own connection, as the user. */
async function spendConcurrently(count: number, amount: bigint, prefix: string) {
  const results = await Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      clients.begin(async (tx) => {
        await tx`select set_config('role', 'authenticated', true),
                        set_config('request.jwt.claims', ${JSON.stringify(claimsFor(user.id))}, true)`;
        return tx`select * from public.credit_spend(${wallet}, ${amount.toString()}::bigint, 'ai_usage', ${`${prefix}-${i}`})`;
      }),
    ),
  );
  return results.filter((result) => result.status === 'fulfilled').length;
}

const queued = () =>
  db()<{ id: string; status: string }[]>`
    select id, status from public.payments where account_id = ${wallet} and kind = 'auto_recharge' order by created_at`;

describe('auto-recharge', () => {
  it('20 concurrent spends crossing the threshold create exactly one off-session PaymentIntent', async () => {
    const response = await enable();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      enabled: true,
      threshold: (100n * CREDIT).toString(),
      hasPaymentMethod: true,
      paymentMethodLabel: 'Visa •••• 4242',
    });
    // 550 available; 20 × 25 leaves 50, crossing 100 on the 19th spend.
    expect(await spendConcurrently(20, 25n * CREDIT, 'cross')).toBe(20);
    expect(await queued()).toHaveLength(1);

    const dispatched = await Promise.all(Array.from({ length: 5 }, () => dispatchAutoRecharges()));
    expect(dispatched.reduce((sum, run) => sum + run.dispatched, 0)).toBe(1);
    const intents = fake.requestsTo('POST', '/v1/payment_intents');
    expect(intents).toHaveLength(1);
    const [payment] = await queued();
    expect(intents[0]!.body).toEqual({
      amount: '1000',
      currency: 'usd',
      customer: 'cus_fake000001',
      payment_method: 'pm_card_visa',
      off_session: 'true',
      confirm: 'true',
      description: 'Starter credit package (auto-recharge)',
      metadata: {
        payment_id: payment!.id,
        wallet_id: wallet,
        package_id: await packageId('starter'),
        buyer_id: '',
        kind: 'auto_recharge',
      },
    });
    expect(intents[0]!.idempotencyKey).toBe(`auto-recharge:${payment!.id}`);
    expect((await queued())[0]!.status).toBe('processing');

    // Disarmed while in flight: more spends below the threshold queue nothing.
    expect(await spendConcurrently(5, CREDIT, 'below')).toBe(5);
    expect(await queued()).toHaveLength(1);

    // Fulfilled through the webhook, once; the wallet is armed again.
    const [dispatchedRow] = await db()<{ payment_intent_id: string }[]>`
      select payment_intent_id from public.payments where id = ${payment!.id}`;
    const intentId = dispatchedRow!.payment_intent_id;
    expect(intentId).toMatch(/^pi_fake\d+$/);
    const succeeded = stripeEvent('payment_intent.succeeded', {
      id: intentId,
      object: 'payment_intent',
      amount: 1000,
      currency: 'usd',
      customer: 'cus_fake000001',
      status: 'succeeded',
      metadata: intents[0]!.body.metadata,
    });
    await Promise.all([deliver(succeeded), deliver(succeeded)]);
    expect(await available(wallet)).toBe(45n * CREDIT + 100n * CREDIT);
    expect(await queued()).toEqual([{ id: payment!.id, status: 'paid' }]);
    const [armed] =
      await db()`select auto_recharge_below from public.accounts where id = ${wallet}`;
    expect(armed!.auto_recharge_below).toBe(100n * CREDIT);
    expect(await ledgerCheck()).toEqual([]);
  });

  it('a declined card turns auto-recharge off and tells the owner', async () => {
    fake.declineCards = true;
    expect(await spendConcurrently(3, 20n * CREDIT, 'decline')).toBe(3); // 145 → 85
    expect(await dispatchAutoRecharges()).toEqual({ dispatched: 1 });
    fake.declineCards = false;

    const recharges = await queued();
    expect(recharges.at(-1)!.status).toBe('failed');
    const [settings] = await db()`
      select enabled, disabled_reason from public.auto_recharge_settings where account_id = ${wallet}`;
    expect(settings).toEqual({
      enabled: false,
      disabled_reason: 'Your card has insufficient funds.',
    });
    const [note] = await db()`
      select kind, title, link from public.notifications where user_id = ${user.id} order by id desc limit 1`;
    expect(note).toEqual({
      kind: 'billing.auto_recharge_disabled',
      title: 'Auto-recharge was turned off',
      link: '/credits',
    });
    expect(await spendConcurrently(2, CREDIT, 'after-decline')).toBe(2);
    expect(await queued()).toHaveLength(recharges.length);
    expect(await dispatchAutoRecharges()).toEqual({ dispatched: 0 });
  });

  it('an asynchronous failure reported by the webhook also turns it off', async () => {
    expect((await enable()).status).toBe(200);
    expect(await spendConcurrently(1, CREDIT, 'async')).toBe(1);
    await dispatchAutoRecharges();
    const recharge = (await queued()).at(-1)!;
    expect(recharge.status).toBe('processing');
    const intent = fake.requestsTo('POST', '/v1/payment_intents').at(-1)!;
    await deliver(
      stripeEvent('payment_intent.payment_failed', {
        id: 'pi_async_failed',
        object: 'payment_intent',
        amount: 1000,
        currency: 'usd',
        metadata: intent.body.metadata,
        last_payment_error: { message: 'This payment requires authentication.' },
      }),
    );
    expect((await queued()).at(-1)!.status).toBe('failed');
    const [settings] =
      await db()`select enabled from public.auto_recharge_settings where account_id = ${wallet}`;
    expect(settings!.enabled).toBe(false);
  });

  it('needs a saved card; an org member may not configure the org wallet', async () => {
    const fresh = await createUser('No card');
    const response = await enable(true, fresh);
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ reason: 'no_payment_method' });

    const member = await createUser('Member');
    const org = await createOrg(user, [{ user: member, role: 'member' }]);
    const byMember = await configureOrg(
      await request(`/api/orgs/${org.id}/credits/auto-recharge`, {
        method: 'PUT',
        user: member,
        body: { enabled: false, threshold: '1000000', packageId: await packageId('starter') },
      }),
      routeParams({ orgId: org.id }),
    );
    expect(byMember.status).toBe(403);
  });
});

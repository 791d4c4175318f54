import type postgres from 'postgres';
import type Stripe from 'stripe';

/**
 * `npm run stripe:sync`, for plans: each priced plan gets a Stripe product (created once, then
 * kept up to date) and a recurring price per interval it is sold at; a changed amount gets a new
 * price (prices are immutable there) and the old one is archived. Then the Customer Portal
 * configuration is written: card, invoices, billing details, cancellation at the period end, and
 * switching between the plans' prices.
 *
 * Free of `server-only` (like package-sync.ts) because the CLI script runs it outside Next.js.
 */

interface PlanRow {
  plan_id: string;
  name: string;
  description: string;
  is_active: boolean;
  monthly_credit_grant: bigint;
  currency: string;
  monthly_amount: bigint | null;
  yearly_amount: bigint | null;
  stripe_product_id: string | null;
  stripe_monthly_price_id: string | null;
  stripe_yearly_price_id: string | null;
}

type Interval = 'month' | 'year';

export interface PlanSyncReport {
  planId: string;
  product: 'created' | 'updated';
  productId: string;
  monthlyPriceId: string | null;
  yearlyPriceId: string | null;
  pricesCreated: number;
}

/** Metadata that marks the portal configuration this app owns. */
export const PORTAL_MARKER = { tollgate: 'customer_portal' };

async function syncPrice(
  stripe: Stripe,
  plan: PlanRow,
  productId: string,
  interval: Interval,
  amount: bigint | null,
  recorded: string | null,
): Promise<{ id: string | null; created: boolean }> {
  const current = recorded ? await stripe.prices.retrieve(recorded) : null;
  const matches =
    current !== null &&
    amount !== null &&
    current.active &&
    current.unit_amount === Number(amount) &&
    current.currency === plan.currency &&
    current.recurring?.interval === interval &&
    current.product === productId;
  if (matches) return { id: current.id, created: false };
  if (current?.active) await stripe.prices.update(current.id, { active: false });
  if (amount === null) return { id: null, created: false };
  const price = await stripe.prices.create(
    {
      product: productId,
      unit_amount: Number(amount),
      currency: plan.currency,
      recurring: { interval },
      lookup_key: `tollgate_${plan.plan_id}_${interval}ly`,
      transfer_lookup_key: true,
      metadata: { tollgate_plan_id: plan.plan_id, interval },
    },
    { idempotencyKey: `plan-price:${plan.plan_id}:${interval}:${amount}:${plan.currency}` },
  );
  return { id: price.id, created: true };
}

export async function syncPlansToStripe(
  sql: postgres.Sql,
  stripe: Stripe,
  returnUrl: string,
): Promise<PlanSyncReport[]> {
  const plans = await sql<PlanRow[]>`
    select b.plan_id, p.name, p.description, p.is_active, p.monthly_credit_grant, b.currency,
           b.monthly_amount, b.yearly_amount, b.stripe_product_id, b.stripe_monthly_price_id,
           b.stripe_yearly_price_id
    from public.plan_billing b join public.plans p on p.id = b.plan_id
    order by p.tier`;
  const reports: PlanSyncReport[] = [];
  for (const plan of plans) {
    const fields = {
      name: `${plan.name} plan`,
      description: plan.description || undefined,
      active: plan.is_active && plan.monthly_amount !== null,
      metadata: {
        tollgate_plan_id: plan.plan_id,
        monthly_credits: plan.monthly_credit_grant.toString(),
      },
    };
    const product = plan.stripe_product_id
      ? await stripe.products.update(plan.stripe_product_id, fields)
      : await stripe.products.create(fields, { idempotencyKey: `plan-product:${plan.plan_id}` });
    const monthly = await syncPrice(
      stripe,
      plan,
      product.id,
      'month',
      plan.monthly_amount,
      plan.stripe_monthly_price_id,
    );
    const yearly = await syncPrice(
      stripe,
      plan,
      product.id,
      'year',
      plan.yearly_amount,
      plan.stripe_yearly_price_id,
    );
    await sql.begin(async (tx) => {
      await tx`select set_config('role', 'service_role', true)`;
      await tx`select public.plan_billing_set_stripe_ids(${plan.plan_id}, ${product.id},
        ${monthly.id}, ${yearly.id})`;
    });
    reports.push({
      planId: plan.plan_id,
      product: plan.stripe_product_id ? 'updated' : 'created',
      productId: product.id,
      monthlyPriceId: monthly.id,
      yearlyPriceId: yearly.id,
      pricesCreated: Number(monthly.created) + Number(yearly.created),
    });
  }
  await writePortalConfiguration(stripe, reports, returnUrl);
  return reports;
}

/**
 * The Customer Portal configuration: created once (marked by metadata), then updated, so the
 * portal offers exactly the plans' current prices. Cancellations and downgrades wait for the
 * period end; upgrades are prorated at once.
 */
async function writePortalConfiguration(
  stripe: Stripe,
  plans: PlanSyncReport[],
  returnUrl: string,
): Promise<string> {
  const products = plans
    .map((plan) => ({
      product: plan.productId,
      prices: [plan.monthlyPriceId, plan.yearlyPriceId].filter((id): id is string => !!id),
    }))
    .filter((entry) => entry.prices.length > 0);
  const features: Stripe.BillingPortal.ConfigurationCreateParams.Features = {
    customer_update: { enabled: true, allowed_updates: ['name', 'email', 'address', 'tax_id'] },
    invoice_history: { enabled: true },
    payment_method_update: { enabled: true },
    subscription_cancel: { enabled: true, mode: 'at_period_end', proration_behavior: 'none' },
    subscription_update:
      products.length > 0
        ? {
            enabled: true,
            default_allowed_updates: ['price'],
            proration_behavior: 'create_prorations',
            products,
          }
        : { enabled: false },
  };
  const params = {
    business_profile: { headline: 'Manage your Tollgate plan, card and invoices.' },
    default_return_url: returnUrl,
    features,
    metadata: PORTAL_MARKER,
  };
  const existing = await findPortalConfiguration(stripe);
  const saved = existing
    ? await stripe.billingPortal.configurations.update(existing, params)
    : await stripe.billingPortal.configurations.create(params);
  return saved.id;
}

/** The id of the portal configuration stripe:sync wrote, or null before the first sync. */
export async function findPortalConfiguration(stripe: Stripe): Promise<string | null> {
  for await (const configuration of stripe.billingPortal.configurations.list({
    active: true,
    limit: 100,
  })) {
    if (configuration.metadata?.tollgate === PORTAL_MARKER.tollgate) return configuration.id;
  }
  return null;
}

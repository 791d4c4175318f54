import type postgres from 'postgres';
import type Stripe from 'stripe';

/**
 * `npm run stripe:sync`: makes Stripe's catalogue match the credit_packages table. Each package
 * gets a product (created once, then kept up to date) and a price for its current amount and
 * currency; a changed price gets a new Stripe price (prices are immutable there) and the old one
 * is archived. Ids are written back through a service function.
 *
 * Free of `server-only` (like lib/db/pool.ts) because the CLI script runs it outside Next.js.
 */

interface PackageRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  credits: bigint;
  bonus_credits: bigint;
  price_amount: bigint;
  currency: string;
  active: boolean;
  stripe_product_id: string | null;
  stripe_price_id: string | null;
}

interface SyncReport {
  slug: string;
  product: 'created' | 'updated';
  price: 'created' | 'kept';
  productId: string;
  priceId: string;
}

export async function syncPackagesToStripe(
  sql: postgres.Sql,
  stripe: Stripe,
): Promise<SyncReport[]> {
  const packages = await sql<PackageRow[]>`
    select id, slug, name, description, credits, bonus_credits, price_amount, currency, active,
           stripe_product_id, stripe_price_id
    from public.credit_packages order by sort_order, slug`;
  const reports: SyncReport[] = [];
  for (const pkg of packages) {
    const metadata = {
      tollgate_package_id: pkg.id,
      tollgate_slug: pkg.slug,
      credits: pkg.credits.toString(),
      bonus_credits: pkg.bonus_credits.toString(),
    };
    const productFields = {
      name: `${pkg.name} credits`,
      description: pkg.description || undefined,
      active: pkg.active,
      metadata,
    };
    const product = pkg.stripe_product_id
      ? await stripe.products.update(pkg.stripe_product_id, productFields)
      : await stripe.products.create(productFields, { idempotencyKey: `product:${pkg.id}` });

    // The price on record, or (after a price change cleared it) the product's default price.
    const defaultPrice =
      typeof product.default_price === 'string'
        ? product.default_price
        : (product.default_price?.id ?? null);
    let priceId = pkg.stripe_price_id ?? defaultPrice;
    let priceAction: SyncReport['price'] = 'kept';
    const current = priceId ? await stripe.prices.retrieve(priceId) : null;
    const matches =
      current !== null &&
      current.active &&
      current.unit_amount === Number(pkg.price_amount) &&
      current.currency === pkg.currency &&
      current.product === product.id;
    if (!matches) {
      const price = await stripe.prices.create(
        {
          product: product.id,
          unit_amount: Number(pkg.price_amount),
          currency: pkg.currency,
          metadata,
        },
        { idempotencyKey: `price:${pkg.id}:${pkg.price_amount}:${pkg.currency}` },
      );
      await stripe.products.update(product.id, { default_price: price.id });
      if (current?.active) await stripe.prices.update(current.id, { active: false });
      priceId = price.id;
      priceAction = 'created';
    }
    await sql.begin(async (tx) => {
      await tx`select set_config('role', 'service_role', true)`;
      await tx`select public.credit_package_set_stripe_ids(${pkg.id}, ${product.id}, ${priceId})`;
    });
    reports.push({
      slug: pkg.slug,
      product: pkg.stripe_product_id ? 'updated' : 'created',
      price: priceAction,
      productId: product.id,
      priceId: priceId!,
    });
  }
  return reports;
}

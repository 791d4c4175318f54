import Stripe from 'stripe';
import { EnvError, loadEnv } from '../lib/env';
import { createPool } from '../lib/db/pool';
import { syncPackagesToStripe } from '../lib/stripe/package-sync';
import { syncPlansToStripe } from '../lib/stripe/plan-sync';
import { openDevDatabase } from './embedded-db';

/**
 * npm run stripe:sync — creates or updates a Stripe product and price for every credit package,
 * a product with monthly and yearly recurring prices for every priced plan, and the Customer
 * Portal configuration (which plans can be switched to).
 * Needs a real STRIPE_SECRET_KEY (test or live mode); works on DATABASE_URL when set, otherwise on
 * the embedded database.
 */

const log = (line: string) => console.log(`[stripe:sync] ${line}`);

async function main(): Promise<void> {
  const env = loadEnv();
  if (!env.STRIPE_SECRET_KEY) {
    console.error('Set STRIPE_SECRET_KEY (sk_test_… or sk_live_…) to sync packages to Stripe.');
    process.exit(1);
  }
  const url = env.STRIPE_API_URL ? new URL(env.STRIPE_API_URL) : undefined;
  const protocol = url?.protocol === 'http:' ? 'http' : 'https';
  const stripe = new Stripe(env.STRIPE_SECRET_KEY, {
    appInfo: { name: 'Tollgate stripe:sync' },
    ...(url
      ? { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol }
      : {}),
  });
  const database = await openDevDatabase(log);
  const sql = createPool(database.url, 2);
  try {
    for (const report of await syncPackagesToStripe(sql, stripe)) {
      log(
        `${report.slug}: product ${report.product} (${report.productId}), price ${report.price} (${report.priceId})`,
      );
    }
    const returnUrl = new URL('/billing', env.APP_URL).toString();
    for (const report of await syncPlansToStripe(sql, stripe, returnUrl)) {
      log(
        `plan ${report.planId}: product ${report.product} (${report.productId}), monthly ${report.monthlyPriceId ?? '—'}, yearly ${report.yearlyPriceId ?? '—'}, ${report.pricesCreated} new price(s)`,
      );
    }
    log('Customer Portal configuration written.');
  } finally {
    await sql.end();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(
    error instanceof EnvError ? error.message : error instanceof Error ? error.message : error,
  );
  process.exit(1);
});

import 'server-only';
import { one } from '@/lib/core';
import { withUser, type DbSession } from '@/lib/db';
import { packageInput, type PackageInput } from './schemas';

/** Credit packages: the price list everyone signed in reads, edited by platform admins. */

export interface CreditPackage {
  id: string;
  slug: string;
  name: string;
  description: string;
  credits: bigint;
  bonusCredits: bigint;
  bonusExpiresDays: number | null;
  /** In the currency's minor unit (cents). */
  priceAmount: bigint;
  currency: string;
  active: boolean;
  sortOrder: number;
  /** Whether `npm run stripe:sync` has created its Stripe price. */
  syncedToStripe: boolean;
}

interface PackageRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  credits: bigint;
  bonus_credits: bigint;
  bonus_expires_days: number | null;
  price_amount: bigint;
  currency: string;
  active: boolean;
  sort_order: number;
  synced: boolean;
}

function toPackage(row: PackageRow): CreditPackage {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    credits: row.credits,
    bonusCredits: row.bonus_credits,
    bonusExpiresDays: row.bonus_expires_days,
    priceAmount: row.price_amount,
    currency: row.currency,
    active: row.active,
    sortOrder: row.sort_order,
    syncedToStripe: row.synced,
  };
}

/**
 * Packages the caller may see, in display order: the active ones, and for platform admins (RLS
 * decides) the inactive ones too when `includeInactive` is set.
 */
export async function listPackages(
  session: DbSession,
  options: { includeInactive?: boolean } = {},
): Promise<CreditPackage[]> {
  const rows = await withUser(
    session,
    (tx) => tx<PackageRow[]>`
      select id, slug, name, description, credits, bonus_credits, bonus_expires_days, price_amount,
             currency, active, sort_order, stripe_price_id is not null as synced
      from public.credit_packages
      where active or ${options.includeInactive ?? false}
      order by sort_order, price_amount, name`,
  );
  return rows.map(toPackage);
}

/** Platform admins (checked in SQL): creates a package, or updates the one with `id`. */
export async function savePackage(
  session: DbSession,
  id: string | null,
  input: PackageInput,
): Promise<string> {
  const value = packageInput.parse(input);
  const row = one(
    await withUser(
      session,
      (tx) => tx<{ id: string }[]>`
      select public.credit_package_upsert(${id}, ${value.slug}, ${value.name}, ${value.description},
        ${value.credits.toString()}::bigint, ${value.bonusCredits.toString()}::bigint,
        ${value.bonusExpiresDays}, ${value.priceAmount}, ${value.currency}, ${value.active},
        ${value.sortOrder}::smallint) as id`,
    ),
    'result of credit_package_upsert',
  );
  return row.id;
}

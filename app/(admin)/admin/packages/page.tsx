import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { formatPrice } from '@/lib/stripe/format';
import { listPackages } from '@/lib/stripe';
import { creditsText } from '../credits-text';
import { PackagesClient, type PackageRowView } from './packages-client';

export const metadata: Metadata = { title: 'Credit packages' };

function priceText(cents: bigint): string {
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/** The price list, inactive packages included, with an editor (the admin credit-packages API). */
export default async function AdminPackagesPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  // The layout 404s too, but pages render alongside it: never reach the service reads.
  if (!viewer.isPlatformAdmin) notFound();
  const packages = await listPackages(viewer.session, { includeInactive: true });
  const rows: PackageRowView[] = packages.map((pkg) => ({
    id: pkg.id,
    price: formatPrice(pkg.priceAmount, pkg.currency),
    synced: pkg.syncedToStripe,
    values: {
      slug: pkg.slug,
      name: pkg.name,
      description: pkg.description,
      credits: creditsText(pkg.credits),
      bonusCredits: creditsText(pkg.bonusCredits),
      bonusExpiresDays: pkg.bonusExpiresDays === null ? '' : String(pkg.bonusExpiresDays),
      price: priceText(pkg.priceAmount),
      currency: pkg.currency,
      active: pkg.active,
      sortOrder: String(pkg.sortOrder),
    },
  }));

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Credit packages</h1>
        <p className="text-muted-foreground text-sm">
          What people can buy. A new price needs <code>npm run stripe:sync</code> before checkout
          uses it.
        </p>
      </div>
      <PackagesClient rows={rows} />
    </div>
  );
}

import { Gift, PackageOpen } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import {
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
} from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import type { BuyWallet } from './buy-button';
import { BuyButton } from './purchase-islands';
import type { PackageView } from './views';

interface PackageGridProps {
  packages: PackageView[];
  /** /api/credits/purchase, or /api/orgs/{orgId}/credits/purchase for an org wallet. */
  purchaseEndpoint: string;
  /** False for org members who are not owners or admins: they see prices but cannot buy. */
  canBuy?: boolean;
  /** Local mode: purchases go through the test checkout, no money moves. */
  testMode?: boolean;
  /** Which wallet a purchase fills, confirmed in the buy dialog. */
  wallet: BuyWallet;
}

/** The credit packages on sale, each with a Buy button that confirms, then opens checkout. */
export function PackageGrid({
  packages,
  purchaseEndpoint,
  canBuy = true,
  testMode,
  wallet,
}: PackageGridProps) {
  if (packages.length === 0) {
    return (
      <EmptyState
        icon={PackageOpen}
        title="No credit packages on sale"
        description="A platform admin adds packages; check back soon."
      />
    );
  }
  return (
    <div className="flex flex-col gap-3">
      {testMode ? (
        <p className="text-muted-foreground text-sm">
          Test mode: checkout is simulated and no card is charged.
        </p>
      ) : null}
      {!canBuy ? (
        <p className="text-muted-foreground text-sm">
          Only the organization’s owners and admins can buy credits for it.
        </p>
      ) : null}
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {packages.map((pkg) => (
          <li key={pkg.id}>
            <Card className="flex h-full flex-col">
              <CardHeader>
                <div className="flex items-center justify-between gap-2">
                  <CardTitle as="h3">{pkg.name}</CardTitle>
                  {pkg.bonusCredits ? (
                    <Badge variant="success">
                      <Gift aria-hidden="true" />+{pkg.bonusCredits} bonus
                    </Badge>
                  ) : null}
                </div>
                {pkg.description ? <CardDescription>{pkg.description}</CardDescription> : null}
              </CardHeader>
              <CardContent className="flex flex-1 flex-col gap-1">
                <p className="text-3xl font-semibold tracking-tight">{pkg.price}</p>
                <p className="text-sm">
                  <span className="font-medium">{pkg.credits} credits</span>
                  {pkg.bonusCredits ? (
                    <span className="text-muted-foreground">
                      {' '}
                      + {pkg.bonusCredits} bonus credits, valid {pkg.bonusExpiresDays} days
                    </span>
                  ) : null}
                </p>
              </CardContent>
              <CardFooter>
                <BuyButton
                  endpoint={purchaseEndpoint}
                  pkg={pkg}
                  wallet={wallet}
                  testMode={testMode}
                  disabled={!canBuy}
                />
              </CardFooter>
            </Card>
          </li>
        ))}
      </ul>
    </div>
  );
}

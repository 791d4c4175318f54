import 'server-only';
import { Suspense } from 'react';
import type { Session } from '@/lib/auth';
import { resolveWallet } from '@/lib/credits';
import type { OrgRole } from '@/lib/orgs';
import { billingMode, getAutoRecharge, listPackages, listPayments } from '@/lib/stripe';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { PackageGrid } from './package-grid';
import { AutoRechargeForm, CheckoutMessage } from './purchase-islands';
import { PaymentsTable } from './payments-table';
import { toPackageView, toPaymentView } from './views';

type PurchaseScope =
  { type: 'personal' } | { type: 'org'; orgId: string; role: OrgRole; name: string };

/**
 * Everything about buying credits for one wallet, ready to mount in a credits page's Purchase
 * tab: the checkout message, the packages, auto-recharge and the payment history. Org members
 * who are not owners or admins see the prices only.
 */
export async function PurchasePanel({
  session,
  scope,
}: {
  session: Session;
  scope: PurchaseScope;
}) {
  const canManage = scope.type === 'personal' || scope.role !== 'member';
  const base = scope.type === 'personal' ? '/api/credits' : `/api/orgs/${scope.orgId}/credits`;
  const walletId = await resolveWallet(
    session,
    scope.type === 'personal' ? scope : { type: 'org', orgId: scope.orgId },
  );
  const mode = billingMode();
  const [packages, autoRecharge, payments] = await Promise.all([
    listPackages(session),
    canManage ? getAutoRecharge(session, walletId) : null,
    canManage ? listPayments(session, walletId, { limit: 25 }) : [],
  ]);
  const packageViews = packages.map(toPackageView);

  return (
    <div className="flex flex-col gap-6">
      <Suspense fallback={null}>
        <CheckoutMessage paymentsEndpoint={`${base}/payments`} />
      </Suspense>
      <section aria-labelledby="buy-credits-heading" className="flex flex-col gap-3">
        <h2 id="buy-credits-heading" className="text-lg font-semibold">
          Buy credits
        </h2>
        {mode === 'disabled' ? (
          <p className="text-muted-foreground text-sm">Buying credits is not available here.</p>
        ) : (
          <PackageGrid
            packages={packageViews}
            purchaseEndpoint={`${base}/purchase`}
            canBuy={canManage}
            testMode={mode === 'local'}
            wallet={
              scope.type === 'personal'
                ? { type: 'personal', label: 'Your personal wallet' }
                : { type: 'org', label: scope.name }
            }
          />
        )}
      </section>
      {autoRecharge ? (
        <Card>
          <CardHeader>
            <CardTitle as="h2">Auto-recharge</CardTitle>
            <CardDescription>
              Never run out mid-task: buy a package automatically when credits run low.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <AutoRechargeForm
              endpoint={`${base}/auto-recharge`}
              packages={packageViews}
              initial={{
                ...autoRecharge,
                threshold: autoRecharge.threshold?.toString() ?? null,
              }}
            />
          </CardContent>
        </Card>
      ) : null}
      {canManage ? (
        <Card>
          <CardHeader>
            <CardTitle as="h2">Payments</CardTitle>
            <CardDescription>Every purchase, with its Stripe receipt.</CardDescription>
          </CardHeader>
          <CardContent>
            <PaymentsTable
              payments={payments.map(toPaymentView)}
              showBuyer={scope.type === 'org'}
            />
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}

import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { getSubscriptionsOverview, type AdminSubscription } from '@/lib/admin';
import { formatPrice } from '@/lib/stripe/format';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';

export const metadata: Metadata = { title: 'Subscriptions' };

const TONE: Record<string, 'success' | 'info' | 'warning' | 'destructive' | 'secondary'> = {
  active: 'success',
  trialing: 'info',
  past_due: 'warning',
  unpaid: 'destructive',
  canceled: 'secondary',
};

const day = (at: Date) => at.toISOString().slice(0, 10);

function Subject({ sub }: { sub: AdminSubscription }) {
  return (
    <span className="flex flex-col">
      <span className="font-medium [overflow-wrap:anywhere]">{sub.subjectName}</span>
      <span className="text-muted-foreground text-xs">
        {sub.subjectKind === 'org' ? 'Org' : 'User'}
        {sub.subjectDetail ? ` · ${sub.subjectDetail}` : ''}
        {sub.provider === 'local' ? ' · local test' : ''}
      </span>
    </span>
  );
}

/** Every subscription the webhook mirrors: MRR in total and per plan, the past-due list, all. */
export default async function AdminSubscriptionsPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  if (!viewer.isPlatformAdmin) notFound();
  const overview = await getSubscriptionsOverview(viewer.session);
  const paying = overview.totals.reduce((count, total) => count + total.subscriptions, 0);

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Subscriptions</h1>
        <p className="text-muted-foreground text-sm">
          Plans sold through Stripe Billing, as the webhook mirrors them. MRR counts active and
          past-due subscriptions at the plan&apos;s current price; a yearly one counts a twelfth.
        </p>
      </div>

      <div className="grid gap-4 sm:grid-cols-3">
        <Card data-testid="admin-mrr">
          <CardHeader className="pb-2">
            <CardDescription>Monthly recurring revenue</CardDescription>
            <CardTitle as="h2" className="text-2xl tabular-nums">
              {overview.totals.length === 0
                ? formatPrice(0n, 'usd')
                : overview.totals
                    .map((total) => formatPrice(total.mrr, total.currency))
                    .join(' + ')}
            </CardTitle>
          </CardHeader>
          <CardContent className="text-muted-foreground text-sm">
            {paying} paying {paying === 1 ? 'subscription' : 'subscriptions'}
          </CardContent>
        </Card>
        <Card>
          <CardHeader className="pb-2">
            <CardDescription>Past due</CardDescription>
            <CardTitle as="h2" className="text-2xl tabular-nums">
              {overview.pastDue.length}
            </CardTitle>
          </CardHeader>
          <CardContent className="text-muted-foreground text-sm">
            In their grace days: features keep working until the date shown.
          </CardContent>
        </Card>
        <Card>
          <CardHeader className="pb-2">
            <CardDescription>All subscriptions</CardDescription>
            <CardTitle as="h2" className="text-2xl tabular-nums">
              {overview.subscriptions.length}
            </CardTitle>
          </CardHeader>
          <CardContent className="text-muted-foreground text-sm">
            {overview.subscriptions.filter((sub) => sub.cancelAtPeriodEnd).length} cancel at period
            end
          </CardContent>
        </Card>
      </div>

      <Card>
        <CardHeader>
          <CardTitle as="h2">MRR by plan</CardTitle>
        </CardHeader>
        <CardContent>
          {overview.perPlan.length === 0 ? (
            <p className="text-muted-foreground text-sm">No paying subscriptions yet.</p>
          ) : (
            <Table stack data-testid="admin-mrr-by-plan">
              <TableHeader>
                <TableRow>
                  <TableHead>Plan</TableHead>
                  <TableHead className="text-right">Subscriptions</TableHead>
                  <TableHead className="text-right">MRR</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {overview.perPlan.map((plan) => (
                  <TableRow key={`${plan.planId}:${plan.currency}`}>
                    <TableCell data-label="Plan" className="font-medium">
                      {plan.planName}
                    </TableCell>
                    <TableCell data-label="Subscriptions" className="text-right tabular-nums">
                      {plan.subscriptions}
                    </TableCell>
                    <TableCell data-label="MRR" className="text-right tabular-nums">
                      {formatPrice(plan.mrr, plan.currency)}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle as="h2">Past due</CardTitle>
          <CardDescription>
            A failed renewal; the plan falls back to free after grace.
          </CardDescription>
        </CardHeader>
        <CardContent>
          {overview.pastDue.length === 0 ? (
            <p className="text-muted-foreground text-sm">No subscription is past due.</p>
          ) : (
            <Table stack data-testid="admin-past-due">
              <TableHeader>
                <TableRow>
                  <TableHead>Subject</TableHead>
                  <TableHead>Plan</TableHead>
                  <TableHead>Past due since</TableHead>
                  <TableHead>Grace ends</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {overview.pastDue.map((sub) => (
                  <TableRow key={sub.id}>
                    <TableCell data-label="Subject">
                      <Subject sub={sub} />
                    </TableCell>
                    <TableCell data-label="Plan">{sub.planName}</TableCell>
                    <TableCell data-label="Past due since" className="tabular-nums">
                      {sub.pastDueSince ? day(sub.pastDueSince) : '—'}
                    </TableCell>
                    <TableCell data-label="Grace ends" className="tabular-nums">
                      {sub.graceEndsAt ? day(sub.graceEndsAt) : '—'}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle as="h2">Subscriptions</CardTitle>
          <CardDescription>Past due first, then by the end of the current period.</CardDescription>
        </CardHeader>
        <CardContent>
          {overview.subscriptions.length === 0 ? (
            <p className="text-muted-foreground text-sm">No subscriptions yet.</p>
          ) : (
            <Table stack data-testid="admin-subscriptions">
              <TableHeader>
                <TableRow>
                  <TableHead>Subject</TableHead>
                  <TableHead>Plan</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead>Current period</TableHead>
                  <TableHead className="text-right">MRR</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {overview.subscriptions.map((sub) => (
                  <TableRow key={sub.id}>
                    <TableCell data-label="Subject">
                      <Subject sub={sub} />
                    </TableCell>
                    <TableCell data-label="Plan">
                      {sub.planName}
                      <span className="text-muted-foreground">
                        {' · '}
                        {sub.interval === 'year' ? 'yearly' : 'monthly'}
                      </span>
                    </TableCell>
                    <TableCell data-label="Status">
                      <span className="flex flex-wrap gap-1">
                        <Badge variant={TONE[sub.status] ?? 'outline'}>
                          {sub.status.replace('_', ' ')}
                        </Badge>
                        {sub.cancelAtPeriodEnd ? (
                          <Badge variant="outline">cancels at period end</Badge>
                        ) : null}
                      </span>
                    </TableCell>
                    <TableCell data-label="Current period" className="tabular-nums">
                      {day(sub.periodStart)} → {day(sub.periodEnd)}
                    </TableCell>
                    <TableCell data-label="MRR" className="text-right tabular-nums">
                      {sub.currency ? formatPrice(sub.mrr, sub.currency) : '—'}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

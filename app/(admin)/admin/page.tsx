import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { getAdminOverview } from '@/lib/admin';
import { formatCredits } from '@/lib/credits/format';
import { UsageBreakdown } from '@/components/credits/usage-breakdown';
import { UsageChart } from '@/components/credits/usage-chart';
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

export const metadata: Metadata = { title: 'Admin' };

/** System-wide spending, the biggest spenders and the orgs about to run dry. */
export default async function AdminOverviewPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  // The layout 404s too, but pages render alongside it: never reach the service reads.
  if (!viewer.isPlatformAdmin) notFound();
  const overview = await getAdminOverview(viewer.session);

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Platform overview</h1>
        <p className="text-muted-foreground text-sm">
          Credits spent across every wallet in the last 30 days (UTC days, before refunds).
        </p>
      </div>
      <Card>
        <CardHeader>
          <CardTitle as="h2">Credits spent per day</CardTitle>
          <CardDescription data-testid="admin-total-spent">
            {formatCredits(overview.usage.total)} credits in 30 days
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-6">
          <UsageChart report={overview.usage} />
          <UsageBreakdown report={overview.usage} />
        </CardContent>
      </Card>
      <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
        <Card>
          <CardHeader>
            <CardTitle as="h2">Top organizations by spend</CardTitle>
            <CardDescription>Last 30 days.</CardDescription>
          </CardHeader>
          <CardContent>
            {overview.topOrgs.length === 0 ? (
              <p className="text-muted-foreground text-sm">No organization has spent credits.</p>
            ) : (
              <Table stack data-testid="admin-top-orgs">
                <TableHeader>
                  <TableRow>
                    <TableHead>Organization</TableHead>
                    <TableHead className="text-right">Spent</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {overview.topOrgs.map((org) => (
                    <TableRow key={org.orgId}>
                      <TableCell data-label="Organization">
                        <span className="font-medium">{org.name}</span>{' '}
                        <span className="text-muted-foreground text-xs">{org.slug}</span>
                      </TableCell>
                      <TableCell data-label="Spent" className="text-right tabular-nums">
                        {formatCredits(org.spent)}
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
            <CardTitle as="h2">Organizations at risk</CardTitle>
            <CardDescription>
              Out of credits within 7 days at their last 7 days&apos; burn rate.
            </CardDescription>
          </CardHeader>
          <CardContent>
            {overview.atRisk.length === 0 ? (
              <p className="text-muted-foreground text-sm" data-testid="admin-at-risk-empty">
                No organization runs out within a week.
              </p>
            ) : (
              <Table stack data-testid="admin-at-risk">
                <TableHeader>
                  <TableRow>
                    <TableHead>Organization</TableHead>
                    <TableHead className="text-right">Available</TableHead>
                    <TableHead className="text-right">7-day burn</TableHead>
                    <TableHead className="text-right">Left</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {overview.atRisk.map((org) => (
                    <TableRow key={org.orgId}>
                      <TableCell data-label="Organization" className="font-medium">
                        {org.name}
                      </TableCell>
                      <TableCell data-label="Available" className="text-right tabular-nums">
                        {formatCredits(org.available)}
                      </TableCell>
                      <TableCell data-label="7-day burn" className="text-right tabular-nums">
                        {formatCredits(org.burn7d)}
                      </TableCell>
                      <TableCell data-label="Left" className="text-right">
                        <Badge variant={org.daysLeft < 2 ? 'destructive' : 'warning'}>
                          {org.daysLeft < 1 ? 'under a day' : `${org.daysLeft} d`}
                        </Badge>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>
      </div>
      <p className="text-muted-foreground text-sm">
        Need to top a wallet up?{' '}
        <Link href="/admin/grants" className="font-medium underline">
          Grant credits
        </Link>{' '}
        with a reason.
      </p>
    </div>
  );
}

import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { listAdminGrants } from '@/lib/admin';
import { formatCredits } from '@/lib/credits/format';
import { LocalDate } from '@/components/credits/local-date';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';
import { BatchGrant } from './batch-grant';
import { GrantForm } from './grant-form';

export const metadata: Metadata = { title: 'Grant credits' };

/** Grant credits to any wallet, and the latest grants with their reasons. */
export default async function AdminGrantsPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  // The layout 404s too, but pages render alongside it: never reach the service reads.
  if (!viewer.isPlatformAdmin) notFound();
  const grants = await listAdminGrants(viewer.session, 25);

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Grant credits</h1>
        <p className="text-muted-foreground text-sm">
          Credits from the admin issuance account. Every grant records its reason and who made it.
        </p>
      </div>
      <Card>
        <CardContent className="pt-6">
          <GrantForm />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle as="h2">Batch grant</CardTitle>
          <CardDescription>
            Many wallets at once from a CSV: checked here first, then applied all or nothing.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <BatchGrant />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle as="h2">Recent admin grants</CardTitle>
          <CardDescription>The latest 25, newest first.</CardDescription>
        </CardHeader>
        <CardContent>
          {grants.length === 0 ? (
            <p className="text-muted-foreground text-sm">No admin grants yet.</p>
          ) : (
            <div className="sm:overflow-x-auto">
              <Table stack data-testid="admin-grants">
                <TableHeader>
                  <TableRow>
                    <TableHead>When</TableHead>
                    <TableHead>Wallet</TableHead>
                    <TableHead className="text-right">Credits</TableHead>
                    <TableHead>Reason</TableHead>
                    <TableHead>By</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {grants.map((grant) => (
                    <TableRow key={grant.transferId.toString()}>
                      <TableCell className="whitespace-nowrap">
                        <LocalDate value={grant.createdAt} />
                      </TableCell>
                      <TableCell data-label="Wallet">{grant.recipient}</TableCell>
                      <TableCell data-label="Credits" className="text-right tabular-nums">
                        {formatCredits(grant.amount)}
                      </TableCell>
                      <TableCell data-label="Reason" className="min-w-48">
                        {grant.reason}
                      </TableCell>
                      <TableCell data-label="By" className="text-muted-foreground">
                        {grant.grantedBy}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

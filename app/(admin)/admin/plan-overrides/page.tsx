import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { listAdminAudit, listPlanLines } from '@/lib/admin';
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
import { OverrideForm } from './override-forms';

export const metadata: Metadata = { title: 'Plan overrides' };

const actions: Record<string, string> = {
  'plan.set': 'Plan',
  'credit_limit.set': 'Wallet credit limit',
  'plan.credit_limit.set': 'Plan credit line',
};

function change(detail: Record<string, unknown>, action: string): string {
  const shown = (value: unknown) =>
    value === null || value === undefined
      ? 'none'
      : action === 'plan.set'
        ? String(value)
        : `${formatCredits(String(value))} credits`;
  return `${shown(detail.from)} → ${shown(detail.to)}`;
}

/** Comped plans, migrations and pay-as-you-go credit limits, each with a reason, and the audit log. */
export default async function PlanOverridesPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  if (!viewer.isPlatformAdmin) notFound();
  const [plans, audit] = await Promise.all([
    listPlanLines(viewer.session),
    listAdminAudit(viewer.session, 25),
  ]);
  const options = plans.map(({ id, name }) => ({ id, name }));

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Plan overrides</h1>
        <p className="text-muted-foreground text-sm">
          Set anyone&apos;s plan and pay-as-you-go credit limits by hand. Every change needs a
          reason and is kept in the audit log below.
        </p>
      </div>
      <Card>
        <CardHeader>
          <CardTitle as="h2">Set a plan</CardTitle>
          <CardDescription>
            For comped plans and migrations. An upgrade applies at once; a downgrade at the end of
            the current period.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <OverrideForm mode="plan" plans={options} />
        </CardContent>
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle as="h2">Wallet credit limit</CardTitle>
            <CardDescription>
              How far below zero one user&apos;s or org&apos;s wallet may spend. It wins over the
              plan&apos;s line; empty goes back to the plan&apos;s.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <OverrideForm mode="wallet-limit" plans={options} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle as="h2">Plan credit lines</CardTitle>
            <CardDescription>
              {plans
                .map(
                  (plan) =>
                    `${plan.name}: ${plan.postpaidCreditLimit === null ? 'prepaid' : `${formatCredits(plan.postpaidCreditLimit)} credits`}`,
                )
                .join(' · ')}
            </CardDescription>
          </CardHeader>
          <CardContent>
            <OverrideForm mode="plan-limit" plans={options} />
          </CardContent>
        </Card>
      </div>
      <Card>
        <CardHeader>
          <CardTitle as="h2">Audit log</CardTitle>
          <CardDescription>The latest 25 changes, newest first.</CardDescription>
        </CardHeader>
        <CardContent>
          {audit.length === 0 ? (
            <p className="text-muted-foreground text-sm">No changes yet.</p>
          ) : (
            <Table stack data-testid="admin-audit-log">
              <TableHeader>
                <TableRow>
                  <TableHead>When</TableHead>
                  <TableHead>What</TableHead>
                  <TableHead>Who for</TableHead>
                  <TableHead>Change</TableHead>
                  <TableHead>Reason</TableHead>
                  <TableHead>By</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {audit.map((entry) => (
                  <TableRow key={entry.id.toString()}>
                    <TableCell className="whitespace-nowrap">
                      <LocalDate value={entry.createdAt} />
                    </TableCell>
                    <TableCell data-label="What" className="whitespace-nowrap">
                      {actions[entry.action] ?? entry.action}
                    </TableCell>
                    <TableCell data-label="Who for">{entry.subject}</TableCell>
                    <TableCell data-label="Change" className="whitespace-nowrap tabular-nums">
                      {change(entry.detail, entry.action)}
                    </TableCell>
                    <TableCell data-label="Reason" className="sm:min-w-48">
                      {entry.reason}
                    </TableCell>
                    <TableCell data-label="By" className="text-muted-foreground">
                      {entry.actor}
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

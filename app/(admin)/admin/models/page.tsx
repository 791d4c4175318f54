import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { getAdminModelStats, listModelCatalog } from '@/lib/admin';
import { formatCredits } from '@/lib/credits/format';
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
import { toCatalogView } from './catalog-view';
import { formatMarginPercent, formatUsd, MarginTable } from './margin-table';
import { ModelsCatalog } from './models-catalog';

export const metadata: Metadata = { title: 'Models · Admin' };

function formatMs(value: number | null): string {
  return value === null ? '—' : `${value.toLocaleString('en-US')} ms`;
}

/**
 * The model catalog with its price editors, cost versus revenue per model and provider, and how
 * healthy each provider is right now.
 */
export default async function AdminModelsPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  // The layout 404s too, but pages render alongside it: never reach the service reads.
  if (!viewer.isPlatformAdmin) notFound();
  const [stats, catalog] = await Promise.all([
    getAdminModelStats(viewer.session),
    listModelCatalog(viewer.session),
  ]);
  const { total } = stats;

  return (
    <div className="flex min-w-0 flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Models</h1>
        <p className="text-muted-foreground text-sm">
          Provider cost against credits charged on platform calls in the last 30 days (UTC days;
          BYOK calls are paid by the customer&apos;s key). Revenue converts credits at{' '}
          {formatCredits(stats.creditsPerUsd * 1_000_000n, { decimals: 0 })} credits per USD.
        </p>
      </div>
      <dl className="grid gap-4 sm:grid-cols-3" data-testid="admin-models-total">
        {[
          ['Provider cost', formatUsd(total.costMicroUsd)],
          ['Revenue', formatUsd(total.revenueMicroUsd)],
          [
            'Margin',
            `${formatUsd(total.marginMicroUsd)} (${formatMarginPercent(total.marginBps)})`,
          ],
        ].map(([term, value]) => (
          <Card key={term}>
            <CardContent className="flex flex-col gap-1 pt-6">
              <dt className="text-muted-foreground text-sm">{term}</dt>
              <dd className="text-xl font-semibold tabular-nums">{value}</dd>
            </CardContent>
          </Card>
        ))}
      </dl>
      <Card className="min-w-0">
        <CardHeader>
          <CardTitle as="h2">Catalog and prices</CardTitle>
          <CardDescription>
            Prices are US dollars per 1M tokens; each change is a new version from its start date. A
            disabled model refuses every call.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <ModelsCatalog models={toCatalogView(catalog)} />
        </CardContent>
      </Card>
      <Card className="min-w-0">
        <CardHeader>
          <CardTitle as="h2">Margin per model</CardTitle>
          <CardDescription>Last 30 days, most expensive first.</CardDescription>
        </CardHeader>
        <CardContent>
          {stats.models.length === 0 ? (
            <p className="text-muted-foreground text-sm">No platform AI calls in 30 days.</p>
          ) : (
            <MarginTable rows={stats.models} label="Model" testId="admin-models-margins" />
          )}
        </CardContent>
      </Card>
      <div className="grid min-w-0 grid-cols-1 gap-6 2xl:grid-cols-2">
        <Card className="min-w-0">
          <CardHeader>
            <CardTitle as="h2">Margin per provider</CardTitle>
            <CardDescription>Last 30 days.</CardDescription>
          </CardHeader>
          <CardContent>
            {stats.providers.length === 0 ? (
              <p className="text-muted-foreground text-sm">No platform AI calls in 30 days.</p>
            ) : (
              <MarginTable
                rows={stats.providers}
                label="Provider"
                testId="admin-providers-margins"
              />
            )}
          </CardContent>
        </Card>
        <Card className="min-w-0">
          <CardHeader>
            <CardTitle as="h2">Provider health</CardTitle>
            <CardDescription>Every call (platform and BYOK) in the last 24 hours.</CardDescription>
          </CardHeader>
          <CardContent>
            {stats.health.length === 0 ? (
              <p className="text-muted-foreground text-sm">No AI calls in the last 24 hours.</p>
            ) : (
              <div className="sm:overflow-x-auto">
                <Table stack data-testid="admin-provider-health">
                  <TableHeader>
                    <TableRow>
                      <TableHead>Provider</TableHead>
                      <TableHead className="text-right">Calls</TableHead>
                      <TableHead className="text-right">p50</TableHead>
                      <TableHead className="text-right">p95</TableHead>
                      <TableHead className="text-right">Errors</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {stats.health.map((row) => (
                      <TableRow key={row.provider} data-provider={row.provider}>
                        <TableCell className="font-medium">{row.provider}</TableCell>
                        <TableCell
                          data-label="Calls"
                          className="text-right whitespace-nowrap tabular-nums"
                        >
                          {row.events.toLocaleString('en-US')}
                        </TableCell>
                        <TableCell
                          data-label="p50"
                          className="text-right whitespace-nowrap tabular-nums"
                        >
                          {formatMs(row.p50LatencyMs)}
                        </TableCell>
                        <TableCell
                          data-label="p95"
                          className="text-right whitespace-nowrap tabular-nums"
                        >
                          {formatMs(row.p95LatencyMs)}
                        </TableCell>
                        <TableCell data-label="Errors" className="text-right">
                          <Badge variant={row.errorRateBps >= 500n ? 'destructive' : 'secondary'}>
                            {formatMarginPercent(row.errorRateBps)}
                          </Badge>
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
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { listStripeEvents, type StripeEventStatus } from '@/lib/admin';
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
import { cn } from '@/lib/utils';

export const metadata: Metadata = { title: 'Payments' };

const FILTERS: { label: string; status?: StripeEventStatus }[] = [
  { label: 'All events' },
  { label: 'Rejected', status: 'rejected' },
  { label: 'Ignored', status: 'ignored' },
  { label: 'Processed', status: 'processed' },
];

const TONE = { processed: 'success', ignored: 'secondary', rejected: 'destructive' } as const;

const received = (at: Date) => `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** The Stripe events the webhook received, with what became of each and why. */
export default async function AdminPaymentsPage({
  searchParams,
}: {
  searchParams: Promise<{ status?: string }>;
}) {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  if (!viewer.isPlatformAdmin) notFound();
  const { status: asked } = await searchParams;
  const status = FILTERS.find((filter) => filter.status === asked)?.status;
  const events = await listStripeEvents(viewer.session, { status, limit: 200 });

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Payments</h1>
        <p className="text-muted-foreground text-sm">
          Stripe events as the webhook recorded them. A rejected event can never succeed (an amount
          that does not match its payment, a malformed object): it was acknowledged so Stripe stops
          retrying, and nothing was credited.
        </p>
      </div>
      <nav aria-label="Filter events" className="flex flex-wrap gap-2">
        {FILTERS.map((filter) => (
          <Link
            key={filter.label}
            href={filter.status ? `/admin/payments?status=${filter.status}` : '/admin/payments'}
            aria-current={filter.status === status ? 'page' : undefined}
            className={cn(
              'rounded-full border px-3 py-1 text-sm',
              filter.status === status
                ? 'bg-primary text-primary-foreground border-transparent'
                : 'text-muted-foreground hover:text-foreground',
            )}
          >
            {filter.label}
          </Link>
        ))}
      </nav>
      <Card>
        <CardHeader>
          <CardTitle as="h2">Stripe events</CardTitle>
          <CardDescription>The newest 200{status ? `, ${status} only` : ''}.</CardDescription>
        </CardHeader>
        <CardContent>
          {events.length === 0 ? (
            <p className="text-muted-foreground text-sm">No events yet.</p>
          ) : (
            <>
              {/* Phones: one stacked entry per event, nothing hidden in a sideways scroll. */}
              <ul className="divide-y sm:hidden" data-testid="admin-stripe-events-list">
                {events.map((event) => (
                  <li key={event.id} className="flex flex-col gap-1 py-3">
                    <div className="flex items-center justify-between gap-2">
                      <span className="text-sm font-medium [overflow-wrap:anywhere]">
                        {event.type}
                      </span>
                      <Badge variant={TONE[event.status]}>{event.status}</Badge>
                    </div>
                    <span className="text-muted-foreground font-mono text-xs break-all">
                      {event.id}
                    </span>
                    <span className="text-muted-foreground text-xs tabular-nums">
                      {received(event.receivedAt)}
                    </span>
                    {event.detail ? <p className="text-sm">{event.detail}</p> : null}
                  </li>
                ))}
              </ul>
              <div className="hidden sm:block">
                <Table data-testid="admin-stripe-events">
                  <TableHeader>
                    <TableRow>
                      <TableHead>Received</TableHead>
                      <TableHead>Event</TableHead>
                      <TableHead>Outcome</TableHead>
                      <TableHead>Why</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {events.map((event) => (
                      <TableRow key={event.id}>
                        <TableCell className="whitespace-nowrap tabular-nums">
                          {received(event.receivedAt)}
                        </TableCell>
                        <TableCell>
                          <span className="font-medium">{event.type}</span>
                          <span className="text-muted-foreground block font-mono text-xs">
                            {event.id}
                          </span>
                        </TableCell>
                        <TableCell>
                          <Badge variant={TONE[event.status]}>{event.status}</Badge>
                        </TableCell>
                        <TableCell className="text-muted-foreground max-w-md text-sm whitespace-normal">
                          {event.detail ?? '—'}
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </div>
            </>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

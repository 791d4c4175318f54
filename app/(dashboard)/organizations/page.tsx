import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { ArrowRight, Building2, Plus } from 'lucide-react';
import { getViewer } from '@/lib/auth';
import { buttonVariants } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { RoleBadge } from '@/components/orgs/role-badge';

export const metadata: Metadata = { title: 'Organizations' };

/** The organizations the viewer belongs to, each leading to its shared credit wallet. */
export default async function OrganizationsPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="flex flex-col gap-1">
          <h1 className="text-2xl font-semibold tracking-tight">Organizations</h1>
          <p className="text-muted-foreground text-sm">
            Each organization has one shared credit wallet that its members spend from.
          </p>
        </div>
        <Link href="/organizations/new" className={buttonVariants({ size: 'sm' })}>
          <Plus aria-hidden="true" className="size-4" />
          New organization
        </Link>
      </div>

      {viewer.orgs.length === 0 ? (
        <EmptyState
          icon={Building2}
          headingLevel="h2"
          title="You are not in any organization yet"
          description={`Create one to share a wallet with your team, or ask an admin of your organization to invite ${viewer.email}.`}
        />
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {viewer.orgs.map((org) => (
            <li key={org.id}>
              <Link
                href={`/organizations/${org.slug}/credits`}
                className="group bg-card hover:border-primary/40 hover:bg-accent/40 flex h-full flex-col gap-4 rounded-lg border p-5 shadow-sm transition-colors"
              >
                <span className="flex items-start justify-between gap-3">
                  <span className="flex min-w-0 items-center gap-3">
                    <span className="bg-accent text-accent-foreground flex size-9 shrink-0 items-center justify-center rounded-md">
                      <Building2 aria-hidden="true" className="size-4" />
                    </span>
                    <span className="flex min-w-0 flex-col">
                      <span className="truncate font-semibold">{org.name}</span>
                      <span className="text-muted-foreground truncate text-xs">{org.slug}</span>
                    </span>
                  </span>
                  <RoleBadge role={org.role} />
                </span>
                <span className="text-primary mt-auto flex items-center gap-1 text-sm font-medium">
                  View credits
                  <ArrowRight
                    aria-hidden="true"
                    className="size-4 transition-transform group-hover:translate-x-0.5"
                  />
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

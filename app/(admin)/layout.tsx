import type * as React from 'react';
import { notFound, redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { AdminNav } from '@/components/admin/admin-nav';
import { HeaderBalance } from '@/components/credits/header-balance';
import { DashboardShell } from '@/components/layout/dashboard-shell';
import { NotificationBell } from '@/components/notifications/notification-bell';
import { Providers } from '@/components/providers';
import { UsageWidget } from '@/components/tokens/usage-widget';

export const dynamic = 'force-dynamic';

/** Platform admins only: everyone else sees a 404, so the area does not admit it exists. */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  if (!viewer.isPlatformAdmin) notFound();
  return (
    <Providers>
      <DashboardShell
        viewer={viewer}
        headerSlot={
          <>
            <HeaderBalance orgs={viewer.orgs} />
            <NotificationBell />
          </>
        }
        sidebarFooter={<UsageWidget />}
      >
        <div className="flex flex-col gap-6">
          <AdminNav />
          {children}
        </div>
      </DashboardShell>
    </Providers>
  );
}

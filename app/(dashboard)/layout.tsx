import type * as React from 'react';
import { redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { DashboardShell } from '@/components/layout/dashboard-shell';
import { HeaderBalance } from '@/components/credits/header-balance';
import { preferredWalletOrgId } from '@/components/credits/preferred-wallet';
import { WalletChoiceProvider } from '@/components/credits/wallet-choice';
import { NotificationBell } from '@/components/notifications/notification-bell';
import { UsageWidget } from '@/components/tokens/usage-widget';
import { Providers } from '@/components/providers';

export const dynamic = 'force-dynamic';

/** Every dashboard page needs a signed-in viewer; the session check lives here, on the server. */
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const walletOrgId = await preferredWalletOrgId(viewer);
  return (
    <Providers>
      <WalletChoiceProvider initialOrgId={walletOrgId}>
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
          {children}
        </DashboardShell>
      </WalletChoiceProvider>
    </Providers>
  );
}

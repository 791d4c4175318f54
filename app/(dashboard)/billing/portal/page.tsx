import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { resolveWallet } from '@/lib/credits';
import { billingMode } from '@/lib/stripe';
import { LocalPortal } from '../local-portal';

export const metadata: Metadata = { title: 'Test billing portal' };

export default async function LocalPortalPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  if (billingMode() !== 'local') redirect('/billing');
  const accountId = await resolveWallet(viewer.session, { type: 'personal' });
  return (
    <LocalPortal
      session={viewer.session}
      accountId={accountId}
      orgId={null}
      returnPath="/billing"
    />
  );
}

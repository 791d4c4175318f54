import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { listBatches } from '@/lib/ai';
import { modelsFor } from '@/lib/gateway';
import { subjectFor, toJson } from '@/lib/core';
import type { BatchView } from '@/components/ai/batch-api';
import { modelOptionsOf } from '@/components/ai/model-options';
import { preferredWalletOrgId } from '@/components/credits/preferred-wallet';
import { BatchesClient } from './batches-client';

export const metadata: Metadata = { title: 'AI batches' };

/** Batch AI requests: up to 1,000 items reserved up front, run in the background, charged by use. */
export default async function BatchesPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  // The picker's first list: what the viewer may use in the wallet in use.
  const walletOrgId = await preferredWalletOrgId(viewer);
  const [catalog, batches] = await Promise.all([
    modelsFor(viewer.session, subjectFor(viewer.session, walletOrgId || null)),
    listBatches(viewer.session),
  ]);
  const models = modelOptionsOf(catalog, 'completion');
  // Through the API's JSON so the first render and every refetch share one shape.
  const initialBatches = JSON.parse(toJson(batches)) as BatchView[];

  return (
    <div className="flex min-w-0 flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">AI batches</h1>
        <p className="text-muted-foreground text-sm">
          Run one of the{' '}
          <Link href="/features" className="font-medium underline">
            AI features
          </Link>{' '}
          over a whole list. Credits are reserved for the worst case up front, each item is charged
          by the tokens it really used, and whatever is left is released.
        </p>
      </div>
      <BatchesClient
        initialModels={{ orgId: walletOrgId, models }}
        initialModel={models.find((model) => model.available)?.id ?? ''}
        orgs={viewer.orgs.map((org) => ({ id: org.id, name: org.name, slug: org.slug }))}
        initialBatches={initialBatches}
      />
    </div>
  );
}

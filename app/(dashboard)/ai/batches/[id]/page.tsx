import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { ArrowLeft } from 'lucide-react';
import { getViewer } from '@/lib/auth';
import { getBatch } from '@/lib/ai';
import { toAppError } from '@/lib/core';
import { BatchDetail } from '@/components/ai/batch-detail';

export const metadata: Metadata = { title: 'AI batch' };

/** One batch at its own address, over the page's full width: progress, results, exports. */
export default async function BatchPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const { id } = await params;
  // Anyone who may not read the batch gets the same 404 as for one that does not exist.
  await getBatch(viewer.session, id, { limit: 1 }).catch((error: unknown) => {
    if (toAppError(error)?.status === 404) notFound();
    throw error;
  });
  return (
    <div className="flex min-w-0 flex-col gap-6">
      <div className="flex flex-col gap-3">
        <Link
          href="/ai/batches"
          className="text-muted-foreground hover:text-foreground inline-flex w-fit items-center gap-1 text-sm"
        >
          <ArrowLeft aria-hidden="true" className="size-4" />
          All batches
        </Link>
        <h1 className="text-2xl font-semibold tracking-tight">AI batch</h1>
      </div>
      <BatchDetail batchId={id} standalone />
    </div>
  );
}

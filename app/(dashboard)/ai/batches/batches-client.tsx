'use client';

import { useState } from 'react';
import { useWalletChoice } from '@/components/credits/wallet-choice';
import type { BatchView } from '@/components/ai/batch-api';
import { BatchDetail } from '@/components/ai/batch-detail';
import { BatchForm } from '@/components/ai/batch-form';
import { BatchList } from '@/components/ai/batch-list';
import type { ModelOption } from '@/components/ai/model-options';

/** Submit on the left, the selected batch's live progress below, recent batches on the right. */
export function BatchesClient({
  initialModels,
  initialModel,
  orgs,
  initialBatches,
}: {
  /** The models of the wallet the page started on ('' personal, else an org id). */
  initialModels: { orgId: string; models: ModelOption[] };
  initialModel: string;
  orgs: { id: string; name: string; slug?: string }[];
  initialBatches: BatchView[];
}) {
  const [orgId, setOrgId] = useState(useWalletChoice().orgId);
  const [selected, setSelected] = useState<string | null>(initialBatches[0]?.id ?? null);

  return (
    <div className="grid min-w-0 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <div className="flex min-w-0 flex-col gap-6">
        <BatchForm
          initialModels={initialModels}
          initialModel={initialModel}
          orgs={orgs}
          orgId={orgId}
          onOrgChange={(next) => {
            setOrgId(next);
            setSelected(null);
          }}
          onSubmitted={setSelected}
        />
        {selected ? <BatchDetail key={selected} batchId={selected} /> : null}
      </div>
      <BatchList
        orgId={orgId || null}
        initial={orgId ? undefined : initialBatches}
        selected={selected}
        onSelect={setSelected}
      />
    </div>
  );
}

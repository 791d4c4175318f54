import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { listExperiments, listFlagTargets } from '@/lib/flags';
import { ExperimentForm } from './experiment-form';
import { ExperimentList } from './experiment-list';

export const metadata: Metadata = { title: 'Experiments · Admin' };

/** A/B tests between models: start one per feature, read each arm's results, stop or promote. */
export default async function AdminExperimentsPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  if (!viewer.isPlatformAdmin) notFound();
  const [experiments, targets] = await Promise.all([
    listExperiments(viewer.session),
    listFlagTargets(viewer.session),
  ]);
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Model experiments</h1>
        <p className="text-muted-foreground text-sm">
          Split a feature&apos;s calls between models by weight; each user keeps their arm. The arm
          wins over the model a call asks for (and over auto).
        </p>
      </div>
      <ExperimentList
        experiments={experiments.map((e) => ({
          id: e.id,
          name: e.name,
          feature: e.feature,
          status: e.status,
          promotedArm: e.promotedArm,
          arms: e.arms.map((arm) => ({
            ...arm,
            providerCostMicroUsd: arm.providerCostMicroUsd.toString(),
            creditsCharged: arm.creditsCharged.toString(),
            marginMicroUsd: arm.marginMicroUsd.toString(),
          })),
        }))}
      />
      <ExperimentForm features={targets.feature} models={targets.model} />
    </div>
  );
}

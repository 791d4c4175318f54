import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { listConfigAudit, listFlags, listFlagTargets, listPlanModels } from '@/lib/flags';
import { AuditList } from './audit-list';
import { PlanModels } from './plan-models';
import { RolloutsClient } from './rollouts-client';

export const metadata: Metadata = { title: 'Rollouts · Admin' };

/**
 * Feature flags with targeting (who gets a feature, model, provider or capability), the models
 * each plan includes, and the audit of every change. Kill switches stay on the Flags page and
 * win over everything here.
 */
export default async function AdminRolloutsPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  if (!viewer.isPlatformAdmin) notFound();
  const [flags, targets, planModels, audit] = await Promise.all([
    listFlags(viewer.session),
    listFlagTargets(viewer.session),
    listPlanModels(viewer.session),
    listConfigAudit(viewer.session, 15),
  ]);
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Rollouts and model access</h1>
        <p className="text-muted-foreground text-sm">
          Who gets a feature, model, provider or capability. First match wins: kill switch, user,
          org, plan, org role, percentage, then everyone else. Changes reach every server within a
          second.
        </p>
      </div>
      <RolloutsClient
        flags={flags.map((flag) => ({ ...flag, updatedAt: flag.updatedAt.toISOString() }))}
        targets={targets}
      />
      <PlanModels plans={targets.plans} models={targets.model} included={planModels} />
      <AuditList
        entries={audit.map((entry) => ({
          id: entry.id.toString(),
          at: entry.at.toISOString(),
          actor: entry.actor,
          what: `${entry.entity} ${entry.entityKey}`,
          action: entry.action,
          after: entry.after === null ? 'deleted' : JSON.stringify(entry.after),
        }))}
      />
    </div>
  );
}

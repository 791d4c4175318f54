import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { getAiSettingsForAdmin, listFeatureFlags } from '@/lib/admin';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { FlagsClient } from './flags-client';
import { SettingsForm } from './settings-form';
import { listFlagTargets } from './targets';

export const metadata: Metadata = { title: 'Flags · Admin' };

function bpsText(bps: number, scale: number): string {
  return (bps / scale).toString();
}

/** Kill switches per feature, model or plan, and the global AI pricing settings. */
export default async function AdminFlagsPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  // The layout 404s too, but pages render alongside it: never reach the service reads.
  if (!viewer.isPlatformAdmin) notFound();
  const [flags, settings, targets] = await Promise.all([
    listFeatureFlags(viewer.session),
    getAiSettingsForAdmin(viewer.session),
    listFlagTargets(viewer.session),
  ]);

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Flags and AI settings</h1>
        <p className="text-muted-foreground text-sm">
          Turn AI calls off per feature, model or plan, and set how provider cost becomes credits.
        </p>
      </div>
      <FlagsClient
        flags={flags.map((flag) => ({
          scope: flag.scope,
          key: flag.key,
          enabled: flag.enabled,
          reason: flag.reason ?? '',
          updatedAt: flag.updatedAt.toISOString(),
          updatedBy: flag.updatedBy,
        }))}
        suggestions={targets}
      />
      <Card>
        <CardHeader>
          <CardTitle as="h2">AI settings</CardTitle>
          <CardDescription>
            Apply to calls from now on; a call is charged provider cost × credits per USD × markup.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <SettingsForm
            initial={{
              creditsPerUsd: settings.creditsPerUsd.toString(),
              markup: bpsText(settings.markupBps, 10_000),
              cacheHitPercent: bpsText(settings.cacheHitChargeBps, 100),
            }}
          />
        </CardContent>
      </Card>
    </div>
  );
}

import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { AI_FEATURES, type AiFeature } from '@/lib/ai';
import { modelsFor } from '@/lib/gateway';
import { getTokenStats } from '@/lib/aiTokens';
import { subjectFor, toJson, userSubject } from '@/lib/core';
import { featuresOn } from '@/lib/flags';
import { getSubscription } from '@/lib/plans';
import { modelOptionsOf } from '@/components/ai/model-options';
import { preferredWalletOrgId } from '@/components/credits/preferred-wallet';
import { tokenStatsSchema } from '@/components/tokens/stats-schema';
import { FeatureClient } from './feature-client';
import { FeatureTabs } from './feature-tabs';

export const metadata: Metadata = { title: 'AI features' };

const FEATURES = Object.keys(AI_FEATURES) as AiFeature[];

function isFeature(value: string): value is AiFeature {
  return (FEATURES as string[]).includes(value);
}

/** One of the four AI features: the brief, the result, and what the run used and left. */
export default async function FeaturePage({ params }: { params: Promise<{ feature: string }> }) {
  const { feature } = await params;
  if (!isFeature(feature)) notFound();
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const subject = userSubject(viewer.id);
  // The picker's first list: what the viewer may use in the wallet in use.
  const walletOrgId = await preferredWalletOrgId(viewer);
  const [stats, subscription, catalog, enabled] = await Promise.all([
    getTokenStats(viewer.session, subject, '30d'),
    getSubscription(viewer.session, subject),
    modelsFor(viewer.session, subjectFor(viewer.session, walletOrgId || null)),
    featuresOn(
      viewer.session,
      viewer.orgs.map((org) => org.id),
      FEATURES,
    ),
  ]);
  // Through the API's JSON so the first render and every refetch share one shape.
  const initial = tokenStatsSchema.parse(JSON.parse(toJson(stats)));
  const labels = new Map(initial.balances.map((row) => [row.tokenType, row.label]));
  // A feature behind a flag that is off for the viewer is not offered at all.
  const tabs = FEATURES.filter((key) => enabled.has(key)).map((key) => ({
    key,
    label: labels.get(key) ?? key.replace('_', ' '),
  }));
  const models = modelOptionsOf(catalog, 'chat');
  const label = tabs.find((tab) => tab.key === feature)?.label ?? feature;

  return (
    <div className="flex min-w-0 flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">AI features</h1>
        <p className="text-muted-foreground text-sm">
          Each run uses one action of the feature&apos;s monthly allowance, and the model&apos;s
          tokens are charged in credits.
        </p>
      </div>
      <FeatureTabs tabs={tabs} current={feature} />
      {!enabled.has(feature) ? (
        <p className="text-muted-foreground text-sm" data-testid="feature-unavailable">
          {label} is not available to you yet.
        </p>
      ) : (
        <FeatureClient
          key={feature}
          feature={feature}
          label={label}
          initialModels={{ orgId: walletOrgId, models }}
          initialModel={models.find((model) => model.available)?.id ?? ''}
          orgs={viewer.orgs.map((org) => ({ id: org.id, name: org.name, slug: org.slug }))}
          planName={subscription.planName}
          initialStats={initial}
        />
      )}
    </div>
  );
}

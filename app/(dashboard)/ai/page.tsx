import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { listModels } from '@/lib/ai';
import type { ModelOption } from '@/components/ai/model-options';
import { AiClient } from './ai-client';

export const metadata: Metadata = { title: 'AI Assistant' };

/** The assistant: chat with a model, each reply metered on the personal or an org wallet. */
export default async function AiPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const catalog = await listModels(viewer.session);
  const models: ModelOption[] = catalog
    .filter((model) => model.capabilities.includes('chat'))
    .map((model) => ({
      id: model.id,
      displayName: model.displayName,
      provider: model.provider,
      available: model.available,
      inputPer1k: model.creditsPer1k.input.toString(),
      outputPer1k: model.creditsPer1k.output.toString(),
    }));
  const initialModel = models.find((model) => model.available)?.id ?? '';

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">AI Assistant</h1>
        <p className="text-muted-foreground text-sm">
          Every reply is charged by the tokens the model really used, at the price shown. For goals,
          strategy analysis, forecasts and leads, open{' '}
          <Link href="/features" className="font-medium underline">
            AI features
          </Link>
          .
        </p>
      </div>
      <AiClient
        models={models}
        initialModel={initialModel}
        orgs={viewer.orgs.map((org) => ({ id: org.id, name: org.name }))}
      />
    </div>
  );
}

'use client';

import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Sparkles } from 'lucide-react';
import type { AiFeature } from '@/lib/ai';
import { formatTokens } from '@/lib/aiTokens/format';
import { formatCredits } from '@/lib/credits/format';
import type { ModelOption } from '@/components/ai/model-options';
import { ModelPicker } from '@/components/ai/model-picker';
import { useModelOptions } from '@/components/ai/use-model-options';
import {
  RefusalNotice,
  creditsHref,
  isRefusal,
  type Refusal,
} from '@/components/ai/refusal-notice';
import { WalletPicker } from '@/components/ai/wallet-picker';
import { useWalletChoice } from '@/components/credits/wallet-choice';
import { invalidateCredits } from '@/components/credits/queries';
import { AllowanceCard } from '@/components/tokens/allowance-card';
import { fetchTokenStats, tokensKeys, type TokenStatsView } from '@/components/tokens/queries';
import { UpgradeBlock } from '@/components/tokens/upgrade-block';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Label } from '@/components/ui/label';
import { FeedbackButtons } from '@/components/ai/feedback-buttons';
import { runFeatureAction } from '../../ai/actions';

type RunResult = Extract<Awaited<ReturnType<typeof runFeatureAction>>, { ok: true }>['data'];

class FeatureRunError extends Error {
  readonly code: string;
  constructor(readonly problem: Refusal) {
    super(problem.detail ?? 'The run did not complete.');
    this.name = 'FeatureRunError';
    this.code = problem.code;
  }
}

/** The live half of a feature page: brief → run → result, with the allowance and credits used. */
export function FeatureClient({
  feature,
  label,
  initialModels,
  initialModel,
  orgs,
  planName,
  initialStats,
}: {
  feature: AiFeature;
  label: string;
  /** The models of the wallet the page started on ('' personal, else an org id). */
  initialModels: { orgId: string; models: ModelOption[] };
  initialModel: string;
  orgs: { id: string; name: string; slug?: string }[];
  planName: string;
  initialStats: TokenStatsView;
}) {
  const queryClient = useQueryClient();
  const [orgId, setOrgId] = useState(useWalletChoice().orgId);
  const [chosenModel, setModel] = useState(initialModel);
  const {
    models,
    model,
    loading: modelsLoading,
    error: modelsError,
  } = useModelOptions({ orgId, capability: 'chat', initial: initialModels, chosen: chosenModel });
  const [brief, setBrief] = useState('');
  const scope = orgId || null;

  const stats = useQuery({
    queryKey: tokensKeys.stats(scope),
    queryFn: ({ signal }) => fetchTokenStats(scope, signal),
    initialData: scope === null ? initialStats : undefined,
    staleTime: 15_000,
  });
  const run = useMutation({
    mutationFn: async (): Promise<RunResult> => {
      const result = await runFeatureAction({ feature, brief, model, orgId: scope });
      if (!result.ok) throw new FeatureRunError(result.error);
      return result.data;
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: tokensKeys.stats(scope) });
      void invalidateCredits(queryClient);
    },
  });

  const balances = stats.data?.balances ?? [];
  const allowance = balances.find((row) => row.tokenType === feature);
  const hasAiFeatures = balances.some((row) => row.allowance > 0);
  const upgradeNeeded =
    (stats.data !== undefined && !hasAiFeatures) ||
    (run.error instanceof FeatureRunError && run.error.code === 'upgrade_required');
  const tooShort = brief.trim().length < 3;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (tooShort || run.isPending || !model || modelsLoading) return;
    run.mutate();
  }

  return (
    <div className="flex min-w-0 flex-col gap-6">
      {orgs.length > 0 ? (
        <div className="grid min-w-0 gap-4 sm:grid-cols-2">
          <WalletPicker orgs={orgs} value={orgId} onChange={setOrgId} disabled={run.isPending} />
        </div>
      ) : null}
      {stats.isError ? (
        <Alert variant="destructive">
          <AlertTitle>Could not load allowances</AlertTitle>
          <AlertDescription>{stats.error.message}</AlertDescription>
        </Alert>
      ) : null}
      {upgradeNeeded ? (
        <UpgradeBlock planName={scope ? 'organization' : planName} />
      ) : (
        <div className="grid min-w-0 gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
          <Card className="min-w-0">
            <CardHeader>
              <CardTitle as="h2">{label}</CardTitle>
              <CardDescription>Describe what you need; the answer appears below.</CardDescription>
            </CardHeader>
            <CardContent className="flex flex-col gap-4">
              <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
                <ModelPicker
                  models={models}
                  value={model}
                  onChange={setModel}
                  disabled={run.isPending || modelsLoading}
                  error={modelsError}
                />
                <div className="flex flex-col gap-1.5">
                  <Label htmlFor="feature-brief">Brief</Label>
                  <textarea
                    id="feature-brief"
                    value={brief}
                    onChange={(event) => setBrief(event.target.value)}
                    rows={5}
                    maxLength={8000}
                    required
                    aria-describedby="feature-brief-hint"
                    className="border-input bg-background focus-visible:border-ring focus-visible:outline-ring min-h-24 w-full rounded-md border px-3 py-2 text-sm shadow-xs focus-visible:outline-2 focus-visible:outline-offset-1"
                  />
                  <p id="feature-brief-hint" className="text-muted-foreground text-xs">
                    At least 3 characters, up to 8,000.
                  </p>
                </div>
                <div>
                  <Button
                    type="submit"
                    disabled={tooShort || run.isPending || !model || modelsLoading}
                  >
                    <Sparkles aria-hidden="true" />
                    {run.isPending ? 'Running…' : `Run ${label.toLowerCase()}`}
                  </Button>
                </div>
              </form>
              {run.error instanceof FeatureRunError && isRefusal(run.error.problem) ? (
                <RefusalNotice refusal={run.error.problem} creditsHref={creditsHref(orgs, orgId)} />
              ) : run.isError && !upgradeNeeded ? (
                <Alert variant="destructive" role="alert">
                  <AlertTitle>The run did not complete</AlertTitle>
                  <AlertDescription>{run.error.message}</AlertDescription>
                </Alert>
              ) : null}
              {run.data ? <RunOutcome result={run.data} /> : null}
            </CardContent>
          </Card>
          <div className="flex min-w-0 flex-col gap-4">
            {allowance ? <AllowanceCard balance={allowance} /> : null}
          </div>
        </div>
      )}
    </div>
  );
}

function RunOutcome({ result }: { result: RunResult }) {
  const charged = result.allowanceCharged;
  return (
    <section aria-label="Result" className="flex flex-col gap-4" data-testid="feature-result">
      <div className="bg-muted/50 rounded-md border p-4 text-sm whitespace-pre-wrap">
        {result.text}
      </div>
      <dl className="grid gap-3 text-sm sm:grid-cols-2" data-testid="feature-consumed">
        <div>
          <dt className="text-muted-foreground">Allowance used</dt>
          <dd
            className="font-medium tabular-nums"
            data-testid="feature-allowance-used"
            data-tokens={charged.source === 'allowance' ? charged.tokens : 0}
          >
            {charged.source === 'allowance'
              ? `${formatTokens(charged.tokens)} allowance units`
              : `${formatCredits(charged.credits)} credits (allowance spent)`}
          </dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Model usage</dt>
          <dd className="font-medium tabular-nums">
            {formatCredits(result.creditsUsed)} credits on {result.model}
          </dd>
          <dd className="text-muted-foreground text-xs">{result.modelReason}</dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Allowance left</dt>
          <dd className="font-medium tabular-nums" data-testid="feature-allowance-left">
            {formatTokens(result.allowanceRemaining)} units
          </dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Credits left</dt>
          <dd className="font-medium tabular-nums">{formatCredits(result.balance)} credits</dd>
        </div>
      </dl>
      <FeedbackButtons callId={result.callId} />
    </section>
  );
}

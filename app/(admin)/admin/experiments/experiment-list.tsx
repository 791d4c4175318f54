'use client';

import { useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';
import { toast } from '@/components/ui/toast';
import { formatCredits } from '@/lib/credits/format';
import { endExperimentAction } from './actions';

interface ArmView {
  arm: string;
  modelId: string;
  weight: number;
  calls: number;
  errorRateBps: number;
  providerCostMicroUsd: string;
  creditsCharged: string;
  marginMicroUsd: string;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  thumbsUp: number;
  thumbsDown: number;
}

interface ExperimentView {
  id: string;
  name: string;
  feature: string;
  status: 'running' | 'stopped' | 'promoted';
  promotedArm: string | null;
  arms: ArmView[];
}

const usd = (micro: string) => `$${(Number(micro) / 1_000_000).toFixed(4)}`;
const ms = (value: number | null) => (value === null ? '—' : `${value} ms`);

/** Each experiment with its arms' results, and stop / promote for the live one. */
export function ExperimentList({ experiments }: { experiments: ExperimentView[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  function end(id: string, promoteArm?: string) {
    startTransition(async () => {
      const result = await endExperimentAction({ id, promoteArm });
      if (!result.ok) toast({ title: result.error.detail, variant: 'destructive' });
      else
        toast({ title: promoteArm ? `Arm ${promoteArm} promoted` : 'Stopped', variant: 'success' });
      router.refresh();
    });
  }

  if (experiments.length === 0) {
    return <p className="text-muted-foreground text-sm">No experiments yet.</p>;
  }
  return (
    <div className="flex flex-col gap-4">
      {experiments.map((experiment) => (
        <Card key={experiment.id}>
          <CardHeader className="flex flex-row flex-wrap items-center gap-2">
            <CardTitle as="h2" className="break-all">
              {experiment.name}
            </CardTitle>
            <Badge variant="secondary">{experiment.feature}</Badge>
            <Badge variant={experiment.status === 'stopped' ? 'outline' : 'default'}>
              {experiment.status}
              {experiment.promotedArm ? `: ${experiment.promotedArm}` : ''}
            </Badge>
            {experiment.status !== 'stopped' ? (
              <Button
                size="sm"
                variant="outline"
                className="ml-auto"
                disabled={pending}
                onClick={() => end(experiment.id)}
              >
                Stop
              </Button>
            ) : null}
          </CardHeader>
          <CardContent>
            <Table stack aria-label={`Arms of ${experiment.name}`}>
              <TableHeader>
                <TableRow>
                  <TableHead>Arm</TableHead>
                  <TableHead className="text-right">Calls</TableHead>
                  <TableHead className="text-right">Cost</TableHead>
                  <TableHead className="text-right">Credits</TableHead>
                  <TableHead className="text-right">Margin</TableHead>
                  <TableHead className="text-right">p50 / p95</TableHead>
                  <TableHead className="text-right">Errors</TableHead>
                  <TableHead className="text-right">👍 / 👎</TableHead>
                  <TableHead />
                </TableRow>
              </TableHeader>
              <TableBody>
                {experiment.arms.map((arm) => (
                  <TableRow key={arm.arm}>
                    <TableCell data-label="Arm">
                      <div className="font-medium">{arm.arm}</div>
                      <div className="text-muted-foreground text-xs">
                        {arm.modelId} · weight {arm.weight}
                      </div>
                    </TableCell>
                    <TableCell data-label="Calls" className="text-right tabular-nums">
                      {arm.calls}
                    </TableCell>
                    <TableCell data-label="Cost" className="text-right tabular-nums">
                      {usd(arm.providerCostMicroUsd)}
                    </TableCell>
                    <TableCell data-label="Credits" className="text-right tabular-nums">
                      {formatCredits(BigInt(arm.creditsCharged))}
                    </TableCell>
                    <TableCell data-label="Margin" className="text-right tabular-nums">
                      {usd(arm.marginMicroUsd)}
                    </TableCell>
                    <TableCell
                      data-label="p50 / p95"
                      className="text-right whitespace-nowrap tabular-nums"
                    >
                      {ms(arm.latencyP50Ms)} / {ms(arm.latencyP95Ms)}
                    </TableCell>
                    <TableCell data-label="Errors" className="text-right tabular-nums">
                      {(arm.errorRateBps / 100).toFixed(1)} %
                    </TableCell>
                    <TableCell
                      data-label="Feedback (up / down)"
                      className="text-right tabular-nums"
                    >
                      {arm.thumbsUp} / {arm.thumbsDown}
                    </TableCell>
                    <TableCell>
                      {experiment.status === 'running' ? (
                        <Button
                          size="sm"
                          variant="ghost"
                          disabled={pending}
                          onClick={() => end(experiment.id, arm.arm)}
                        >
                          Promote
                        </Button>
                      ) : null}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      ))}
    </div>
  );
}

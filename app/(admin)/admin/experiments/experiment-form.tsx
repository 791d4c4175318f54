'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { toast } from '@/components/ui/toast';
import { startExperimentAction } from './actions';

interface ArmInput {
  arm: string;
  model: string;
  weight: number;
}

/** Starts an experiment: a name, the feature, and two or more arms (model and weight). */
export function ExperimentForm({ features, models }: { features: string[]; models: string[] }) {
  const router = useRouter();
  const [name, setName] = useState('');
  const [feature, setFeature] = useState(features[0] ?? '');
  const [arms, setArms] = useState<ArmInput[]>([
    { arm: 'a', model: models[0] ?? '', weight: 50 },
    { arm: 'b', model: models[1] ?? '', weight: 50 },
  ]);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const setArm = (index: number, patch: Partial<ArmInput>) =>
    setArms((current) => current.map((arm, i) => (i === index ? { ...arm, ...patch } : arm)));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    startTransition(async () => {
      const result = await startExperimentAction({ name, feature, arms });
      if (!result.ok) {
        setError(result.error.detail);
        return;
      }
      toast({ title: `Experiment ${name} started`, variant: 'success' });
      setName('');
      router.refresh();
    });
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle as="h2">New experiment</CardTitle>
        <CardDescription>
          One live experiment per feature; stop it before starting another.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form
          onSubmit={submit}
          noValidate
          className="flex flex-col gap-4"
          aria-label="New experiment"
        >
          {error ? (
            <Alert variant="destructive">
              <AlertDescription>{error}</AlertDescription>
            </Alert>
          ) : null}
          <div className="grid gap-4 sm:grid-cols-2">
            <div className="flex flex-col gap-2">
              <Label htmlFor="experiment-name">Name</Label>
              <Input
                id="experiment-name"
                value={name}
                maxLength={80}
                placeholder="e.g. mini vs haiku on forecasts"
                onChange={(e) => setName(e.target.value)}
              />
            </div>
            <div className="flex flex-col gap-2">
              <Label htmlFor="experiment-feature">Feature</Label>
              <Select
                id="experiment-feature"
                value={feature}
                onChange={(e) => setFeature(e.target.value)}
              >
                {features.map((f) => (
                  <option key={f} value={f}>
                    {f}
                  </option>
                ))}
              </Select>
            </div>
          </div>
          <fieldset className="flex flex-col gap-2">
            <legend className="mb-1 text-sm font-medium">Arms</legend>
            {arms.map((arm, index) => (
              <div key={index} className="grid grid-cols-[5rem_1fr_5rem] gap-2">
                <Input
                  aria-label={`Arm ${index + 1} name`}
                  value={arm.arm}
                  maxLength={30}
                  onChange={(e) => setArm(index, { arm: e.target.value })}
                />
                <Select
                  aria-label={`Arm ${index + 1} model`}
                  value={arm.model}
                  onChange={(e) => setArm(index, { model: e.target.value })}
                >
                  {models.map((m) => (
                    <option key={m} value={m}>
                      {m}
                    </option>
                  ))}
                </Select>
                <Input
                  aria-label={`Arm ${index + 1} weight`}
                  type="number"
                  min={1}
                  max={10000}
                  value={arm.weight}
                  onChange={(e) => setArm(index, { weight: Number(e.target.value) || 1 })}
                />
              </div>
            ))}
            {arms.length < 10 ? (
              <Button
                type="button"
                variant="outline"
                size="sm"
                className="self-start"
                onClick={() =>
                  setArms((current) => [
                    ...current,
                    {
                      arm: String.fromCharCode(97 + current.length),
                      model: models[0] ?? '',
                      weight: 50,
                    },
                  ])
                }
              >
                Add arm
              </Button>
            ) : null}
          </fieldset>
          <Button type="submit" className="self-start" disabled={pending}>
            {pending ? 'Starting…' : 'Start experiment'}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}

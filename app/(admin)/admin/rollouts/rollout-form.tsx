'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { toast } from '@/components/ui/toast';
import type { Flag, FlagKind, FlagRule, FlagTargets, RuleKind } from './rollout-types';
import { saveRolloutAction } from './actions';

const KIND_LABELS: Record<FlagKind, string> = {
  feature: 'Feature',
  model: 'Model',
  provider: 'Provider',
  capability: 'Capability',
};
const RULE_LABELS: Record<RuleKind, string> = {
  user: 'User',
  org: 'Organization',
  plan: 'Plan',
  role: 'Org role',
};

export const emptyRollout: Flag = {
  kind: 'feature',
  target: '',
  description: '',
  defaultEnabled: false,
  rolloutPercent: 0,
  rules: [],
};

/** The values a rule of a kind may name, from what exists (never free text). */
function ruleOptions(targets: FlagTargets, rule: RuleKind): { value: string; label: string }[] {
  switch (rule) {
    case 'user':
      return targets.users.map((u) => ({ value: u.id, label: u.email }));
    case 'org':
      return targets.orgs.map((o) => ({ value: o.id, label: `${o.name} (${o.slug})` }));
    case 'plan':
      return targets.plans.map((p) => ({ value: p.id, label: p.name }));
    case 'role':
      return targets.roles.map((r) => ({ value: r, label: r }));
  }
}

/** Creates a flag or edits one: its target, the rules, a percentage and everyone else. */
export function RolloutForm({
  initial,
  editing,
  targets,
  onDone,
}: {
  initial: Flag;
  editing: boolean;
  targets: FlagTargets;
  onDone: () => void;
}) {
  const router = useRouter();
  const [values, setValues] = useState<Flag>(initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const setRule = (index: number, patch: Partial<FlagRule>) =>
    setValues((v) => ({
      ...v,
      rules: v.rules.map((rule, i) => (i === index ? { ...rule, ...patch } : rule)),
    }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    if (!values.target) {
      setError('Choose what the flag covers.');
      return;
    }
    startTransition(async () => {
      const result = await saveRolloutAction(values);
      if (!result.ok) {
        setError(result.error.detail);
        return;
      }
      toast({ title: `Flag ${values.kind} ${values.target} saved`, variant: 'success' });
      onDone();
      router.refresh();
    });
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-label="Rollout">
      {error ? (
        <Alert variant="destructive">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="flex flex-col gap-2">
          <Label htmlFor="rollout-kind">Covers</Label>
          <Select
            id="rollout-kind"
            value={values.kind}
            disabled={editing}
            onChange={(e) =>
              setValues((v) => ({ ...v, kind: e.target.value as FlagKind, target: '' }))
            }
          >
            {Object.entries(KIND_LABELS).map(([kind, label]) => (
              <option key={kind} value={kind}>
                {label}
              </option>
            ))}
          </Select>
        </div>
        <div className="flex flex-col gap-2">
          <Label htmlFor="rollout-target">{KIND_LABELS[values.kind]}</Label>
          <Select
            id="rollout-target"
            value={values.target}
            disabled={editing}
            onChange={(e) => setValues((v) => ({ ...v, target: e.target.value }))}
          >
            <option value="">Choose…</option>
            {targets[values.kind].map((target) => (
              <option key={target} value={target}>
                {target}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <div className="flex flex-col gap-2">
        <Label htmlFor="rollout-description">Description</Label>
        <Input
          id="rollout-description"
          value={values.description}
          maxLength={300}
          placeholder="e.g. Forecast beta for design partners"
          onChange={(e) => setValues((v) => ({ ...v, description: e.target.value }))}
        />
      </div>
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-medium">Rules (user › org › plan › role)</legend>
        {values.rules.length === 0 ? (
          <p className="text-muted-foreground text-sm">
            No rules: the percentage and the default decide.
          </p>
        ) : null}
        {values.rules.map((rule, index) => (
          <div
            key={index}
            className="grid grid-cols-[1fr_auto] gap-2 sm:grid-cols-[10rem_1fr_7rem_auto]"
          >
            <Select
              aria-label={`Rule ${index + 1} kind`}
              value={rule.rule}
              onChange={(e) => setRule(index, { rule: e.target.value as RuleKind, value: '' })}
            >
              {Object.entries(RULE_LABELS).map(([kind, label]) => (
                <option key={kind} value={kind}>
                  {label}
                </option>
              ))}
            </Select>
            <Select
              aria-label={`Rule ${index + 1} ${RULE_LABELS[rule.rule].toLowerCase()}`}
              value={rule.value}
              onChange={(e) => setRule(index, { value: e.target.value })}
            >
              <option value="">Choose…</option>
              {ruleOptions(targets, rule.rule).map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </Select>
            <Select
              aria-label={`Rule ${index + 1} on or off`}
              value={rule.enabled ? 'on' : 'off'}
              onChange={(e) => setRule(index, { enabled: e.target.value === 'on' })}
            >
              <option value="on">On</option>
              <option value="off">Off</option>
            </Select>
            <Button
              type="button"
              variant="ghost"
              size="sm"
              aria-label={`Remove rule ${index + 1}`}
              onClick={() =>
                setValues((v) => ({ ...v, rules: v.rules.filter((_, i) => i !== index) }))
              }
            >
              Remove
            </Button>
          </div>
        ))}
        <Button
          type="button"
          variant="outline"
          size="sm"
          className="self-start"
          onClick={() =>
            setValues((v) => ({
              ...v,
              rules: [...v.rules, { rule: 'org', value: '', enabled: true }],
            }))
          }
        >
          Add rule
        </Button>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="flex flex-col gap-2">
          <Label htmlFor="rollout-percent">Percentage of users (sticky)</Label>
          <Input
            id="rollout-percent"
            type="number"
            min={0}
            max={100}
            value={values.rolloutPercent}
            onChange={(e) =>
              setValues((v) => ({
                ...v,
                rolloutPercent: Math.max(0, Math.min(100, Number(e.target.value) || 0)),
              }))
            }
          />
        </div>
        <label className="flex items-center gap-2 self-end pb-2 text-sm">
          <input
            type="checkbox"
            className="size-4"
            checked={values.defaultEnabled}
            onChange={(e) => setValues((v) => ({ ...v, defaultEnabled: e.target.checked }))}
          />
          On for everyone else
        </label>
      </div>
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : editing ? 'Save flag' : 'Create flag'}
        </Button>
        {editing ? (
          <Button type="button" variant="ghost" onClick={onDone}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}

'use client';

import { formatCredits } from '@/lib/credits/format';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import type { ModelOption } from './model-options';

/**
 * Chooses the model (or auto); each model shows its price in credits per 1K tokens. `models` is
 * what the caller may use in the wallet that pays (useModelOptions).
 */
export function ModelPicker({
  models,
  value,
  onChange,
  disabled,
  error,
}: {
  models: ModelOption[];
  value: string;
  onChange: (id: string) => void;
  disabled?: boolean;
  /** The wallet's model list could not be loaded. */
  error?: string | null;
}) {
  const current = models.find((model) => model.id === value);
  return (
    <div className="flex min-w-0 flex-col gap-1.5">
      <Label htmlFor="ai-model">Model</Label>
      <Select
        id="ai-model"
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby="ai-model-price"
      >
        <option value="auto">Auto: cheapest fit (standard)</option>
        <option value="auto:simple">Auto: simple tasks</option>
        <option value="auto:complex">Auto: complex tasks</option>
        {models.map((model) => (
          <option key={model.id} value={model.id} disabled={!model.available}>
            {model.displayName}
            {model.available ? '' : ' (not configured)'}
          </option>
        ))}
      </Select>
      {error ? (
        <p role="alert" className="text-destructive text-xs">
          The models of this wallet could not be loaded: {error}
        </p>
      ) : null}
      {value.startsWith('auto') ? (
        <p id="ai-model-price" className="text-muted-foreground text-xs">
          The cheapest model you may use that fits the task; each reply says which one ran.
        </p>
      ) : null}
      {current ? (
        <p id="ai-model-price" className="text-muted-foreground text-xs tabular-nums">
          {formatCredits(current.inputPer1k, { decimals: 4 })} credits per 1K input tokens ·{' '}
          {formatCredits(current.outputPer1k, { decimals: 4 })} per 1K output tokens
        </p>
      ) : null}
    </div>
  );
}

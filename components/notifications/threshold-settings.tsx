'use client';

import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { toast } from '@/components/ui/toast';
import { ApiError, callApi } from '@/lib/api/client';
import { formatCredits, parseCredits } from '@/lib/credits/format';
import { alertSettingsView, MAX_THRESHOLDS, type AlertSettingsView } from '@/lib/alerts/schemas';

/** "80, 95,100 %" → [80, 95, 100], or a message saying what is wrong. */
function parseThresholds(text: string): number[] | string {
  const parts = text
    .split(/[\s,;%]+/)
    .map((part) => part.trim())
    .filter(Boolean);
  const values: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) < 1 || Number(part) > 100) {
      return `“${part}” is not a whole percentage from 1 to 100.`;
    }
    values.push(Number(part));
  }
  if (new Set(values).size !== values.length) return 'Each percentage only once, please.';
  if (values.length > MAX_THRESHOLDS) return `At most ${MAX_THRESHOLDS} thresholds.`;
  return values.sort((a, b) => a - b);
}

function creditsText(micro: string): string {
  return formatCredits(micro, { decimals: 2 }).replaceAll(',', '').replace(/\.00$/, '');
}

/**
 * Alert thresholds of one wallet: notify at these percentages of the month's credits used, and
 * when the balance drops below an amount. PUTs to /api/alerts/settings (with ?orgId= for an org
 * wallet, which its owners and admins manage).
 */
export function ThresholdSettings({
  initial,
  orgId,
  scopeLabel = 'your wallet',
}: {
  initial: AlertSettingsView;
  orgId?: string;
  scopeLabel?: string;
}) {
  const [settings, setSettings] = useState(initial);
  const [enabled, setEnabled] = useState(initial.enabled);
  const [thresholds, setThresholds] = useState(initial.thresholds.join(', '));
  const [lowBalance, setLowBalance] = useState(creditsText(initial.lowBalance));
  const [error, setError] = useState<{ field: 'thresholds' | 'lowBalance' | null; text: string }>();
  const [saving, setSaving] = useState(false);
  const idPrefix = orgId ? `alerts-${orgId}` : 'alerts-personal';

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(undefined);
    const parsed = parseThresholds(thresholds);
    if (typeof parsed === 'string') {
      setError({ field: 'thresholds', text: parsed });
      return;
    }
    let low: bigint;
    try {
      low = lowBalance.trim() === '' ? 0n : parseCredits(lowBalance);
    } catch {
      setError({
        field: 'lowBalance',
        text: 'Enter an amount of credits like 5 or 2.5 (0 is off).',
      });
      return;
    }
    setSaving(true);
    let body: unknown;
    try {
      body = await callApi(
        `/api/alerts/settings${orgId ? `?orgId=${encodeURIComponent(orgId)}` : ''}`,
        {
          method: 'PUT',
          body: JSON.stringify({ enabled, thresholds: parsed, lowBalance: low.toString() }),
        },
      );
    } catch (caught) {
      setSaving(false);
      const text = caught instanceof ApiError ? caught.message : 'Saving failed. Please try again.';
      setError({ field: null, text });
      return;
    }
    setSaving(false);
    const saved = alertSettingsView.safeParse(body);
    if (!saved.success) {
      setError({ field: null, text: 'Saving failed. Please try again.' });
      return;
    }
    setSettings(saved.data);
    setThresholds(saved.data.thresholds.join(', '));
    setLowBalance(creditsText(saved.data.lowBalance));
    toast({ title: saved.data.enabled ? 'Alerts saved' : 'Alerts are off', variant: 'success' });
  }

  const grant = settings.periodGrant ? BigInt(settings.periodGrant) : 0n;
  const used = grant > 0n ? grant - BigInt(settings.available) : 0n;
  const usedPercent = grant > 0n ? Number((used * 1000n) / grant) / 10 : null;

  return (
    <form
      onSubmit={save}
      className="flex flex-col gap-4"
      noValidate
      aria-label={`Alerts for ${scopeLabel}`}
    >
      <label className="flex items-center gap-2 text-sm font-medium">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(event) => setEnabled(event.target.checked)}
          className="accent-primary size-4"
        />
        Notify me about {scopeLabel}
      </label>
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="flex flex-col gap-2">
          <Label htmlFor={`${idPrefix}-thresholds`}>At these percentages used (this month)</Label>
          <Input
            id={`${idPrefix}-thresholds`}
            value={thresholds}
            onChange={(event) => setThresholds(event.target.value)}
            placeholder="80, 95, 100"
            disabled={!enabled}
            aria-invalid={error?.field === 'thresholds' ? true : undefined}
            aria-describedby={`${idPrefix}-thresholds-hint`}
          />
          <p id={`${idPrefix}-thresholds-hint`} className="text-muted-foreground text-xs">
            Whole percentages, comma-separated; 100 tells you when the credits are gone.
          </p>
        </div>
        <div className="flex flex-col gap-2">
          <Label htmlFor={`${idPrefix}-low`}>When fewer credits than this are left</Label>
          <Input
            id={`${idPrefix}-low`}
            inputMode="decimal"
            value={lowBalance}
            onChange={(event) => setLowBalance(event.target.value)}
            disabled={!enabled}
            aria-invalid={error?.field === 'lowBalance' ? true : undefined}
            aria-describedby={`${idPrefix}-low-hint`}
          />
          <p id={`${idPrefix}-low-hint`} className="text-muted-foreground text-xs">
            In credits; 0 turns the low-balance alert off.
          </p>
        </div>
      </div>
      {usedPercent !== null ? (
        <p className="text-muted-foreground text-sm">
          This month so far: {formatCredits(used < 0n ? 0n : used)} of {formatCredits(grant)}{' '}
          credits used ({Math.max(usedPercent, 0)} %). Each alert comes once a month.
        </p>
      ) : (
        <p className="text-muted-foreground text-sm">Each alert comes once a month.</p>
      )}
      {error ? (
        <p role="alert" className="text-destructive text-sm">
          {error.text}
        </p>
      ) : null}
      <div>
        <Button type="submit" disabled={saving}>
          {saving ? 'Saving…' : 'Save alerts'}
        </Button>
      </div>
    </form>
  );
}

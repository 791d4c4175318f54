'use client';

import { useState, type FormEvent } from 'react';
import { CreditCard } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { toast } from '@/components/ui/toast';
import { ApiError, callApi } from '@/lib/api/client';
import { formatCredits, parseCredits } from '@/lib/credits/format';
import type { PackageView } from './views';

interface AutoRechargeView {
  enabled: boolean;
  /** Micro-credits as a decimal string, or null when never configured. */
  threshold: string | null;
  packageId: string | null;
  disabledReason: string | null;
  hasPaymentMethod: boolean;
  paymentMethodLabel: string | null;
  inFlight: boolean;
}

/**
 * Auto-recharge of one wallet: when a spend leaves fewer than `threshold` credits, one package is
 * bought with the card saved at checkout. PUTs to /api/credits/auto-recharge (or the org's).
 */
export function AutoRechargeForm({
  endpoint,
  initial,
  packages,
}: {
  endpoint: string;
  initial: AutoRechargeView;
  packages: PackageView[];
}) {
  const [settings, setSettings] = useState(initial);
  const [enabled, setEnabled] = useState(initial.enabled);
  const [threshold, setThreshold] = useState(
    initial.threshold
      ? formatCredits(initial.threshold, { decimals: 0 }).replaceAll(',', '')
      : '50',
  );
  const [packageId, setPackageId] = useState(initial.packageId ?? packages[0]?.id ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    let micro: bigint;
    try {
      micro = parseCredits(threshold);
      if (micro <= 0n) throw new RangeError('Enter a threshold above zero.');
    } catch (caught) {
      setError(caught instanceof RangeError ? caught.message : 'Enter a threshold like 50.');
      return;
    }
    setSaving(true);
    let body: AutoRechargeView | null;
    try {
      body = (await callApi(endpoint, {
        method: 'PUT',
        body: JSON.stringify({ enabled, threshold: micro.toString(), packageId }),
      })) as AutoRechargeView | null;
    } catch (caught) {
      setSaving(false);
      setError(caught instanceof ApiError ? caught.message : 'Saving failed. Please try again.');
      return;
    }
    setSaving(false);
    if (!body) {
      setError('Saving failed. Please try again.');
      return;
    }
    setSettings(body);
    toast({
      title: body.enabled ? 'Auto-recharge is on' : 'Auto-recharge is off',
      variant: 'success',
    });
  }

  return (
    <form onSubmit={save} className="flex flex-col gap-4" noValidate>
      {settings.disabledReason && !settings.enabled ? (
        <Alert variant="warning">
          <AlertTitle>Auto-recharge was turned off</AlertTitle>
          <AlertDescription>
            The last automatic top-up failed: {settings.disabledReason} Buy a package to update the
            card, then turn it on again.
          </AlertDescription>
        </Alert>
      ) : null}
      <p className="text-muted-foreground flex items-center gap-2 text-sm">
        <CreditCard aria-hidden="true" className="size-4" />
        {settings.hasPaymentMethod
          ? `Charged to ${settings.paymentMethodLabel ?? 'the card saved at checkout'}.`
          : 'Buy a package once first: the card you pay with is saved for auto-recharge.'}
      </p>
      <label className="flex items-center gap-2 text-sm font-medium">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(event) => setEnabled(event.target.checked)}
          disabled={!settings.hasPaymentMethod && !enabled}
          className="accent-primary size-4"
        />
        Recharge automatically
      </label>
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="flex flex-col gap-2">
          <Label htmlFor="auto-recharge-threshold">When available credits fall below</Label>
          <Input
            id="auto-recharge-threshold"
            inputMode="decimal"
            value={threshold}
            onChange={(event) => setThreshold(event.target.value)}
            aria-invalid={error ? true : undefined}
          />
        </div>
        <div className="flex flex-col gap-2">
          <Label htmlFor="auto-recharge-package">Buy this package</Label>
          <Select
            id="auto-recharge-package"
            value={packageId}
            onChange={(event) => setPackageId(event.target.value)}
          >
            {packages.map((pkg) => (
              <option key={pkg.id} value={pkg.id}>
                {pkg.name} — {pkg.credits} credits for {pkg.price}
              </option>
            ))}
          </Select>
        </div>
      </div>
      {settings.inFlight ? (
        <p className="text-muted-foreground text-sm">A recharge is being charged right now.</p>
      ) : null}
      {error ? (
        <p role="alert" className="text-destructive text-sm">
          {error}
        </p>
      ) : null}
      <div>
        <Button type="submit" disabled={saving || packages.length === 0}>
          {saving ? 'Saving…' : 'Save auto-recharge'}
        </Button>
      </div>
    </form>
  );
}

'use client';

import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { useWalletChoice } from '@/components/credits/wallet-choice';

/**
 * Which wallet pays: personal, or an org the viewer belongs to (never a fallback between them).
 * Pages start from the wallet in use (useWalletChoice); a change here becomes it.
 */
export function WalletPicker({
  orgs,
  value,
  onChange,
  disabled,
}: {
  orgs: { id: string; name: string }[];
  /** '' for the personal wallet, else the org id. */
  value: string;
  onChange: (orgId: string) => void;
  disabled?: boolean;
}) {
  const { choose } = useWalletChoice();
  if (orgs.length === 0) return null;
  return (
    <div className="flex min-w-0 flex-col gap-1.5">
      <Label htmlFor="ai-wallet">Pay from</Label>
      <Select
        id="ai-wallet"
        value={value}
        disabled={disabled}
        onChange={(event) => {
          // The choice is remembered: the header shows this wallet, and it is the next default.
          choose(event.target.value);
          onChange(event.target.value);
        }}
      >
        <option value="">Your credits</option>
        {orgs.map((org) => (
          <option key={org.id} value={org.id}>
            {org.name} (organization)
          </option>
        ))}
      </Select>
    </div>
  );
}

'use client';

import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';

/** Which wallet pays: personal, or an org the viewer belongs to (never a fallback between them). */
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
  if (orgs.length === 0) return null;
  return (
    <div className="flex min-w-0 flex-col gap-1.5">
      <Label htmlFor="ai-wallet">Pay from</Label>
      <Select
        id="ai-wallet"
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value)}
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

'use client';

import { useId } from 'react';
import { cn } from '@/lib/utils';
import { USAGE_PERIODS } from './credits-config';
import type { UsagePeriod } from './queries';

const PERIOD_LABELS: Record<UsagePeriod, { short: string; long: string }> = {
  '7d': { short: '7 days', long: 'Last 7 days' },
  '30d': { short: '30 days', long: 'Last 30 days' },
  '90d': { short: '90 days', long: 'Last 90 days' },
};

export function periodLabel(period: UsagePeriod): string {
  return PERIOD_LABELS[period].long;
}

/**
 * A segmented control built on native radio buttons: arrow keys move between periods, and
 * screen readers announce it as one group with a selected option.
 */
export function PeriodSwitcher({
  value,
  onChange,
  disabled,
}: {
  value: UsagePeriod;
  onChange: (period: UsagePeriod) => void;
  disabled?: boolean;
}) {
  const name = useId();
  return (
    <fieldset className="bg-muted inline-flex rounded-lg p-1" disabled={disabled}>
      <legend className="sr-only">Usage period</legend>
      {USAGE_PERIODS.map((period) => (
        <label
          key={period}
          className={cn(
            'relative cursor-pointer rounded-md px-3 py-1 text-sm font-medium whitespace-nowrap transition-colors',
            'has-[:focus-visible]:outline-ring has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-1',
            value === period
              ? 'bg-background text-foreground shadow-sm'
              : 'text-muted-foreground hover:text-foreground',
          )}
        >
          <input
            type="radio"
            name={name}
            value={period}
            checked={value === period}
            onChange={() => onChange(period)}
            className="sr-only"
          />
          {PERIOD_LABELS[period].short}
        </label>
      ))}
    </fieldset>
  );
}

'use client';

import { USAGE_PERIODS } from './credits-config';
import type { UsagePeriod } from './queries';
import { SegmentedControl, type SegmentedOption } from './segmented-control';

const PERIOD_LABELS: Record<UsagePeriod, { short: string; long: string }> = {
  '7d': { short: '7 days', long: 'Last 7 days' },
  '30d': { short: '30 days', long: 'Last 30 days' },
  '90d': { short: '90 days', long: 'Last 90 days' },
};

export function periodLabel(period: UsagePeriod): string {
  return PERIOD_LABELS[period].long;
}

const OPTIONS: SegmentedOption<UsagePeriod>[] = USAGE_PERIODS.map((period) => ({
  value: period,
  label: PERIOD_LABELS[period].short,
}));

/** 7, 30 or 90 days, as a segmented control of native radio buttons (one named group). */
export function PeriodSwitcher({
  value,
  onChange,
  disabled,
}: {
  value: UsagePeriod;
  onChange: (period: UsagePeriod) => void;
  disabled?: boolean;
}) {
  return (
    <SegmentedControl
      legend="Usage period"
      options={OPTIONS}
      value={value}
      onChange={onChange}
      disabled={disabled}
      // Three short options never wrap: the card header keeps them on one line.
      className="max-w-none flex-nowrap"
    />
  );
}

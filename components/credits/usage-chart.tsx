'use client';

import { useMemo } from 'react';
import dynamic from 'next/dynamic';
import { MICRO_PER_CREDIT } from '@/lib/credits/format';
import { Skeleton } from '@/components/ui/skeleton';
import { CATEGORY_COLORS, CATEGORY_LABELS } from './labels';
import { formatUsageDay } from './local-date';
import type { UsageReport } from './queries';

// recharts is most of this page's JavaScript: it loads after the page is interactive, in the
// space the chart will take, so nothing moves when it arrives.
const UsageBars = dynamic(() => import('./usage-bars').then((module) => module.UsageBars), {
  ssr: false,
  loading: () => <Skeleton className="h-[280px] w-full" />,
});

/** Bar heights need numbers; amounts shown to people are still formatted from the bigints. */
function toChartCredits(micro: bigint): number {
  return Number(micro) / Number(MICRO_PER_CREDIT);
}

export function UsageChart({ report }: { report: UsageReport }) {
  const categories = useMemo(() => report.byCategory.map((entry) => entry.category), [report]);
  const byDay = useMemo(() => new Map(report.daily.map((day) => [day.day, day])), [report]);
  const rows = useMemo(
    () =>
      report.daily.map((day) => {
        const row: Record<string, string | number> = { day: day.day };
        for (const category of categories) {
          row[category] = toChartCredits(day.byCategory[category] ?? 0n);
        }
        return row;
      }),
    [report, categories],
  );
  const first = report.daily[0]?.day;
  const last = report.daily[report.daily.length - 1]?.day;

  return (
    <figure className="flex flex-col gap-3" aria-labelledby="usage-chart-caption">
      <figcaption id="usage-chart-caption" className="sr-only">
        Credits spent per day
        {first && last ? ` from ${formatUsageDay(first)} to ${formatUsageDay(last)}` : ''}, stacked
        by category. The breakdown lists the totals per category.
      </figcaption>
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs" aria-label="Chart legend">
        {categories.map((category) => (
          <li key={category} className="flex items-center gap-1.5">
            <span
              aria-hidden="true"
              className="size-2.5 rounded-sm"
              style={{ backgroundColor: CATEGORY_COLORS[category] }}
            />
            {CATEGORY_LABELS[category]}
          </li>
        ))}
      </ul>
      <UsageBars rows={rows} categories={categories} byDay={byDay} />
    </figure>
  );
}

'use client';

import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCredits, MICRO_PER_CREDIT } from '@/lib/credits/format';
import { CATEGORY_COLORS, CATEGORY_LABELS } from './labels';
import { formatUsageDay } from './local-date';
import type { Category, UsageReport } from './queries';

type DailyUsage = UsageReport['daily'][number];

function tickCredits(value: number): string {
  const micro = BigInt(Math.round(value * Number(MICRO_PER_CREDIT)));
  return formatCredits(micro, { decimals: Number.isInteger(value) ? 0 : 2 });
}

/** The stacked daily bars (recharts), loaded on demand by UsageChart. */
export function UsageBars({
  rows,
  categories,
  byDay,
}: {
  rows: Record<string, string | number>[];
  categories: Category[];
  byDay: Map<string, DailyUsage>;
}) {
  return (
    <BarChart
      data={rows}
      responsive
      style={{ width: '100%', height: 280 }}
      margin={{ top: 8, right: 4, bottom: 0, left: 0 }}
      barCategoryGap="20%"
    >
      <CartesianGrid vertical={false} stroke="var(--border)" />
      <XAxis
        dataKey="day"
        tickFormatter={(day: string) => formatUsageDay(day)}
        tickLine={false}
        axisLine={false}
        minTickGap={16}
        tick={{ fontSize: 12, fill: 'var(--muted-foreground)' }}
      />
      <YAxis
        width={48}
        tickFormatter={tickCredits}
        tickLine={false}
        axisLine={false}
        allowDecimals
        tick={{ fontSize: 12, fill: 'var(--muted-foreground)' }}
      />
      <Tooltip
        cursor={{ fill: 'var(--muted)' }}
        content={({ active, label }) =>
          active && typeof label === 'string' ? (
            <UsageTooltip day={byDay.get(label)} categories={categories} />
          ) : null
        }
      />
      {categories.map((category) => (
        <Bar
          key={category}
          dataKey={category}
          name={CATEGORY_LABELS[category]}
          stackId="usage"
          fill={CATEGORY_COLORS[category]}
          isAnimationActive={false}
        />
      ))}
    </BarChart>
  );
}

function UsageTooltip({ day, categories }: { day?: DailyUsage; categories: Category[] }) {
  if (!day) return null;
  return (
    <div className="bg-popover text-popover-foreground min-w-44 rounded-md border p-3 text-xs shadow-md">
      <p className="mb-2 font-semibold">{formatUsageDay(day.day, 'long')}</p>
      <ul className="flex flex-col gap-1">
        {categories
          .filter((category) => (day.byCategory[category] ?? 0n) !== 0n)
          .map((category) => (
            <li key={category} className="flex items-center justify-between gap-4">
              <span className="flex items-center gap-1.5">
                <span
                  aria-hidden="true"
                  className="size-2 rounded-sm"
                  style={{ backgroundColor: CATEGORY_COLORS[category] }}
                />
                {CATEGORY_LABELS[category]}
              </span>
              <span className="tabular-nums">{formatCredits(day.byCategory[category] ?? 0n)}</span>
            </li>
          ))}
      </ul>
      <p className="mt-2 flex justify-between gap-4 border-t pt-2 font-medium">
        <span>Total</span>
        <span className="tabular-nums">{formatCredits(day.total)}</span>
      </p>
    </div>
  );
}

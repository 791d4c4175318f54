'use client';

import { useSyncExternalStore } from 'react';

/**
 * A date in the reader's own time zone. The server does not know that zone, so it renders UTC
 * and the browser switches to local time right after hydration (no hydration mismatch).
 */

const formats = {
  date: { dateStyle: 'medium' },
  dateTime: { dateStyle: 'medium', timeStyle: 'short' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

type DateFormat = keyof typeof formats;

const noopSubscribe = () => () => {};

function formatLocalDate(value: Date, format: DateFormat, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-US', { ...formats[format], timeZone }).format(value);
}

export function LocalDate({
  value,
  format = 'dateTime',
  className,
}: {
  value: Date;
  format?: DateFormat;
  className?: string;
}) {
  const hydrated = useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );
  return (
    <time dateTime={value.toISOString()} className={className}>
      {formatLocalDate(value, format, hydrated ? undefined : 'UTC')}
    </time>
  );
}

/** A calendar day of the usage series ('YYYY-MM-DD', a UTC day), e.g. "Nov 3". */
export function formatUsageDay(day: string, style: 'short' | 'long' = 'short'): string {
  return new Intl.DateTimeFormat('en-US', {
    month: 'short',
    day: 'numeric',
    ...(style === 'long' ? { weekday: 'short', year: 'numeric' } : {}),
    timeZone: 'UTC',
  }).format(new Date(`${day}T00:00:00Z`));
}

'use client';

import { useSyncExternalStore } from 'react';

const noopSubscribe = () => () => {};

/**
 * A moment in the reader's time zone: the server renders UTC and the browser switches to local
 * time right after hydration, so there is no hydration mismatch.
 */
export function LocalTime({ iso, withTime = true }: { iso: string; withTime?: boolean }) {
  const hydrated = useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );
  const text = new Intl.DateTimeFormat('en-US', {
    dateStyle: 'medium',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone: hydrated ? undefined : 'UTC',
  }).format(new Date(iso));
  return <time dateTime={iso}>{text}</time>;
}

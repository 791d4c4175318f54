'use client';

import * as React from 'react';

/**
 * A small toaster: call `toast({ title })` from any client code, render <Toaster /> once in the
 * root layout. State lives in a module store so callers need no provider or hook.
 */

export type ToastVariant = 'default' | 'success' | 'warning' | 'destructive';

interface ToastOptions {
  title: string;
  description?: string;
  variant?: ToastVariant;
  /** Milliseconds before it closes itself; Infinity keeps it until dismissed. */
  durationMs?: number;
}

export interface ToastRecord extends Required<Omit<ToastOptions, 'description'>> {
  id: number;
  description?: string;
}

// Older toasts drop off beyond this so a burst of errors can't cover the page.
const MAX_VISIBLE = 4;
const EMPTY: ToastRecord[] = [];

let records: ToastRecord[] = EMPTY;
let nextId = 1;
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function dismissToast(id: number): void {
  records = records.filter((record) => record.id !== id);
  emit();
}

function showToast(options: ToastOptions | string): number {
  const input = typeof options === 'string' ? { title: options } : options;
  const variant = input.variant ?? 'default';
  const record: ToastRecord = {
    id: nextId++,
    title: input.title,
    description: input.description,
    variant,
    // Errors stay longer: they are the ones people need time to read.
    durationMs: input.durationMs ?? (variant === 'destructive' ? 8000 : 5000),
  };
  records = [...records, record].slice(-MAX_VISIBLE);
  emit();
  return record.id;
}

/** Shows a toast and returns its id; `toast.dismiss(id)` closes it early. */
export const toast = Object.assign(showToast, { dismiss: dismissToast });

// How a toast looks (icons, styles, its timer) is fetched with the first toast shown, so the root
// layout every page loads holds only the store and the live regions below.
const ToastItem = React.lazy(() =>
  import('./toast-item').then((module) => ({ default: module.ToastItem })),
);

export function Toaster() {
  const current = React.useSyncExternalStore(
    subscribe,
    () => records,
    () => EMPTY,
  );
  const errors = current.filter((record) => record.variant === 'destructive');
  const others = current.filter((record) => record.variant !== 'destructive');
  // Both live regions are always in the DOM: screen readers only announce changes to a region
  // that already existed. Errors interrupt (assertive); everything else waits its turn.
  return (
    <section
      aria-label="Notifications"
      className="pointer-events-none fixed inset-x-0 bottom-0 z-[100] flex flex-col gap-2 p-4 sm:right-0 sm:left-auto sm:w-full sm:max-w-sm"
    >
      <ol aria-live="assertive" aria-relevant="additions" className="flex flex-col gap-2">
        <React.Suspense fallback={null}>
          {errors.map((record) => (
            <ToastItem key={record.id} record={record} onDismiss={dismissToast} />
          ))}
        </React.Suspense>
      </ol>
      <ol aria-live="polite" aria-relevant="additions" className="flex flex-col gap-2">
        <React.Suspense fallback={null}>
          {others.map((record) => (
            <ToastItem key={record.id} record={record} onDismiss={dismissToast} />
          ))}
        </React.Suspense>
      </ol>
    </section>
  );
}

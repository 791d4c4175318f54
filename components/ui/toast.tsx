'use client';

import * as React from 'react';
import { CircleAlert, CircleCheck, Info, TriangleAlert, X, type LucideIcon } from 'lucide-react';
import { cn } from '@/lib/utils';

/**
 * A small toaster: call `toast({ title })` from any client code, render <Toaster /> once in the
 * root layout. State lives in a module store so callers need no provider or hook.
 */

type ToastVariant = 'default' | 'success' | 'warning' | 'destructive';

interface ToastOptions {
  title: string;
  description?: string;
  variant?: ToastVariant;
  /** Milliseconds before it closes itself; Infinity keeps it until dismissed. */
  durationMs?: number;
}

interface ToastRecord extends Required<Omit<ToastOptions, 'description'>> {
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

const styles: Record<ToastVariant, { className: string; icon: LucideIcon }> = {
  default: { className: 'border-border bg-card text-card-foreground', icon: Info },
  success: {
    className: 'border-success/30 bg-success-subtle text-success-subtle-foreground',
    icon: CircleCheck,
  },
  warning: {
    className: 'border-warning/30 bg-warning-subtle text-warning-subtle-foreground',
    icon: TriangleAlert,
  },
  destructive: {
    className: 'border-destructive/30 bg-destructive-subtle text-destructive-subtle-foreground',
    icon: CircleAlert,
  },
};

function ToastItem({ record }: { record: ToastRecord }) {
  const [paused, setPaused] = React.useState(false);
  const remaining = React.useRef(record.durationMs);

  // The timer pauses while hovered or focused so nobody loses a message mid-read.
  React.useEffect(() => {
    if (paused || !Number.isFinite(remaining.current)) return;
    const started = Date.now();
    const timer = window.setTimeout(() => dismissToast(record.id), remaining.current);
    return () => {
      window.clearTimeout(timer);
      remaining.current -= Date.now() - started;
    };
  }, [paused, record.id]);

  const { className, icon: Icon } = styles[record.variant];
  return (
    <li
      className={cn(
        'animate-toast-in pointer-events-auto flex w-full items-start gap-3 rounded-lg border p-4 shadow-lg',
        className,
      )}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      <Icon aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
      <div className="flex min-w-0 flex-1 flex-col gap-0.5">
        <p className="text-sm font-semibold">{record.title}</p>
        {record.description ? <p className="text-sm opacity-90">{record.description}</p> : null}
      </div>
      <button
        type="button"
        onClick={() => dismissToast(record.id)}
        className="-m-1 rounded-sm p-1 opacity-70 transition-opacity hover:opacity-100"
      >
        <X aria-hidden="true" className="size-4" />
        <span className="sr-only">Dismiss notification</span>
      </button>
    </li>
  );
}

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
        {errors.map((record) => (
          <ToastItem key={record.id} record={record} />
        ))}
      </ol>
      <ol aria-live="polite" aria-relevant="additions" className="flex flex-col gap-2">
        {others.map((record) => (
          <ToastItem key={record.id} record={record} />
        ))}
      </ol>
    </section>
  );
}

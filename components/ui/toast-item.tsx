'use client';

import * as React from 'react';
import { CircleAlert, CircleCheck, Info, TriangleAlert, X, type LucideIcon } from 'lucide-react';
import { cn } from '@/lib/utils';
import type { ToastRecord, ToastVariant } from './toast';

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

/** One toast: its icon and colours, a close button, and a timer that pauses while it is read. */
export function ToastItem({
  record,
  onDismiss,
}: {
  record: ToastRecord;
  onDismiss: (id: number) => void;
}) {
  const [paused, setPaused] = React.useState(false);
  const remaining = React.useRef(record.durationMs);

  // The timer pauses while hovered or focused so nobody loses a message mid-read.
  React.useEffect(() => {
    if (paused || !Number.isFinite(remaining.current)) return;
    const started = Date.now();
    const timer = window.setTimeout(() => onDismiss(record.id), remaining.current);
    return () => {
      window.clearTimeout(timer);
      remaining.current -= Date.now() - started;
    };
  }, [paused, record.id, onDismiss]);

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
        onClick={() => onDismiss(record.id)}
        className="-m-1 rounded-sm p-1 opacity-70 transition-opacity hover:opacity-100"
      >
        <X aria-hidden="true" className="size-4" />
        <span className="sr-only">Dismiss notification</span>
      </button>
    </li>
  );
}

'use client';

import { useEffect, useRef, type KeyboardEvent, type RefObject } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Check, CheckCheck } from 'lucide-react';
import type { NotificationView } from '@/lib/notifications/schemas';
import { cn } from '@/lib/utils';
import { Button } from '@/components/ui/button';
import { markRead, notificationsKeys, timeAgo } from './queries';

interface NotificationPanelProps {
  id: string;
  unread: number;
  items: NotificationView[];
  isError: boolean;
  /** The bell and the panel: a pointer down outside it closes the panel. */
  root: RefObject<HTMLDivElement | null>;
  onClose: (returnFocus: boolean) => void;
}

/**
 * The open notification panel, loaded on first use (the bell ships in every dashboard page). It
 * takes focus when it opens; Escape or a click outside closes it, arrow keys move between
 * notifications, opening one marks it read and follows its link.
 */
export function NotificationPanel({
  id,
  unread,
  items,
  isError,
  root,
  onClose,
}: NotificationPanelProps) {
  const panel = useRef<HTMLDivElement>(null);
  const router = useRouter();
  const queryClient = useQueryClient();
  const read = useMutation({
    mutationFn: markRead,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationsKeys.all }),
  });

  useEffect(() => {
    const first =
      panel.current?.querySelector<HTMLElement>('[data-notification-item]') ??
      panel.current?.querySelector<HTMLElement>('button');
    first?.focus();
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) onClose(false);
    };
    // Escape also works when focus left the panel (e.g. a button it held became disabled).
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Escape') onClose(true);
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
    // Focus the first entry when the panel opens, not on every refetch.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  function onPanelKey(event: KeyboardEvent<HTMLDivElement>) {
    if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return;
    const entries = Array.from(
      panel.current?.querySelectorAll<HTMLElement>('[data-notification-item]') ?? [],
    );
    if (entries.length === 0) return;
    event.preventDefault();
    const at = entries.indexOf(document.activeElement as HTMLElement);
    const next =
      event.key === 'Home'
        ? 0
        : event.key === 'End'
          ? entries.length - 1
          : event.key === 'ArrowDown'
            ? (at + 1) % entries.length
            : (at - 1 + entries.length) % entries.length;
    entries[next]?.focus();
  }

  function openItem(item: NotificationView) {
    if (!item.readAt) read.mutate({ ids: [item.id] });
    if (item.link) {
      onClose(false);
      router.push(item.link);
    }
  }

  // On a phone the bell sits mid-header: the panel is pinned to the viewport so it stays on screen.
  return (
    <div
      ref={panel}
      id={id}
      role="dialog"
      aria-label="Notifications"
      onKeyDown={onPanelKey}
      className="bg-background absolute right-0 z-50 mt-2 flex max-h-[70vh] w-[min(24rem,calc(100vw-2rem))] flex-col overflow-hidden rounded-lg border shadow-lg max-sm:fixed max-sm:inset-x-4 max-sm:top-14 max-sm:w-auto"
    >
      <div className="flex items-center justify-between gap-2 border-b px-4 py-2.5">
        <h2 className="text-sm font-semibold">
          Notifications
          {unread > 0 ? (
            <span className="text-muted-foreground font-normal"> · {unread} unread</span>
          ) : null}
        </h2>
        <Button
          variant="ghost"
          size="sm"
          disabled={unread === 0 || read.isPending}
          onClick={() => read.mutate({ all: true })}
        >
          <CheckCheck aria-hidden="true" />
          Mark all read
        </Button>
      </div>
      {isError ? (
        <p role="alert" className="text-destructive px-4 py-6 text-sm">
          Notifications could not be loaded.
        </p>
      ) : items.length === 0 ? (
        <p className="text-muted-foreground px-4 py-8 text-center text-sm">
          You are all caught up.
        </p>
      ) : (
        <ul className="divide-y overflow-y-auto" aria-label="Latest notifications">
          {items.map((item) => (
            <li key={item.id} className="flex items-start gap-1">
              <button
                type="button"
                data-notification-item
                onClick={() => openItem(item)}
                className={cn(
                  'hover:bg-muted focus-visible:bg-muted flex min-w-0 flex-1 gap-3 px-4 py-3 text-left focus-visible:outline-none',
                  item.readAt ? 'text-muted-foreground' : 'text-foreground',
                )}
              >
                <span
                  aria-hidden="true"
                  className={cn(
                    'mt-1.5 size-2 shrink-0 rounded-full',
                    item.readAt ? 'bg-transparent' : 'bg-primary',
                  )}
                />
                <span className="flex min-w-0 flex-col gap-0.5">
                  <span className="text-sm font-medium">
                    {item.title}
                    {item.readAt ? null : <span className="sr-only"> (unread)</span>}
                  </span>
                  {item.body ? (
                    <span className="text-muted-foreground text-xs">{item.body}</span>
                  ) : null}
                  <time dateTime={item.createdAt} className="text-muted-foreground text-xs">
                    {timeAgo(item.createdAt)}
                  </time>
                </span>
              </button>
              {item.readAt ? null : (
                <Button
                  variant="ghost"
                  size="icon"
                  className="mt-2 mr-2 size-7"
                  aria-label={`Mark “${item.title}” as read`}
                  title="Mark as read"
                  onClick={() => read.mutate({ ids: [item.id] })}
                >
                  <Check aria-hidden="true" />
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

'use client';

import { lazy, Suspense, useEffect, useId, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Bell } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { fetchNotifications, notificationsKeys } from './queries';

const REFRESH_MS = 60_000;

// The panel is fetched on first use (or when the pointer or focus reaches the bell), so the
// chrome every dashboard page loads holds only the bell and its count.
const loadPanel = () => import('./notification-panel');
const NotificationPanel = lazy(() =>
  loadPanel().then((module) => ({ default: module.NotificationPanel })),
);

/**
 * The notification centre in the dashboard header: a bell with the unread count (polled every
 * minute) that opens a panel of the latest notifications (./notification-panel). Closing the
 * panel with Escape returns focus to the bell.
 */
export function NotificationBell() {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);

  const { data, isError, refetch } = useQuery({
    queryKey: notificationsKeys.list,
    queryFn: ({ signal }) => fetchNotifications(signal),
    refetchInterval: REFRESH_MS,
  });

  const unread = data?.unreadCount ?? 0;

  useEffect(() => {
    if (open) void refetch();
    // Fresh notifications each time the panel opens, not on every refetch.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  function close(returnFocus = true) {
    setOpen(false);
    if (returnFocus) trigger.current?.focus();
  }

  function preload() {
    void loadPanel();
  }

  return (
    <div ref={root} className="relative">
      <Button
        ref={trigger}
        variant="ghost"
        size="icon"
        className="relative rounded-full"
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-haspopup="dialog"
        data-testid="notification-bell"
        onPointerEnter={preload}
        onFocus={preload}
        onClick={() => (open ? close() : setOpen(true))}
      >
        <Bell aria-hidden="true" />
        {unread > 0 ? (
          <span
            aria-hidden="true"
            className="bg-destructive text-destructive-foreground absolute -top-0.5 -right-0.5 flex h-4 min-w-4 items-center justify-center rounded-full px-1 text-[10px] leading-none font-semibold tabular-nums"
          >
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </Button>
      {open ? (
        <Suspense
          fallback={
            <div
              role="status"
              className="bg-background text-muted-foreground absolute right-0 z-50 mt-2 w-[min(24rem,calc(100vw-2rem))] rounded-lg border px-4 py-6 text-sm shadow-lg max-sm:fixed max-sm:inset-x-4 max-sm:top-14 max-sm:w-auto"
            >
              Loading notifications…
            </div>
          }
        >
          <NotificationPanel
            id={panelId}
            unread={unread}
            items={data?.items ?? []}
            isError={isError}
            root={root}
            onClose={close}
          />
        </Suspense>
      ) : null}
    </div>
  );
}

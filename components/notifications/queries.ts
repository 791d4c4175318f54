import { callApi } from '@/lib/api/client';
import type { NotificationPageView } from '@/lib/notifications/schemas';

/**
 * Client-side reads and writes of the notifications API, for react-query. Only types come from
 * lib/notifications/schemas: the bell ships in every dashboard page, and the answer is the API's
 * own response type, so a shape check stands in for the zod parse.
 */

export const notificationsKeys = {
  all: ['notifications'] as const,
  list: ['notifications', 'list'] as const,
};

const NOTIFICATIONS_PAGE = 20;

export async function fetchNotifications(signal?: AbortSignal): Promise<NotificationPageView> {
  const body = await callApi(`/api/notifications?limit=${NOTIFICATIONS_PAGE}`, { signal });
  if (!isNotificationPage(body)) throw new Error('Notifications are unavailable.');
  return body;
}

function isNotificationItem(item: unknown): boolean {
  if (typeof item !== 'object' || item === null) return false;
  const { id, title, createdAt } = item as Record<string, unknown>;
  return typeof id === 'string' && typeof title === 'string' && typeof createdAt === 'string';
}

function isNotificationPage(body: unknown): body is NotificationPageView {
  if (typeof body !== 'object' || body === null) return false;
  const { items, unreadCount } = body as Record<string, unknown>;
  return Array.isArray(items) && items.every(isNotificationItem) && typeof unreadCount === 'number';
}

/** Marks the given notifications read, or all of them. */
export async function markRead(
  target: { ids: string[] } | { all: true },
): Promise<{ updated: number; unreadCount: number }> {
  const body = await callApi('/api/notifications/read', {
    method: 'POST',
    body: JSON.stringify(target),
  });
  return body as { updated: number; unreadCount: number };
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 minutes ago", "yesterday", or a date for anything older than a week. */
export function timeAgo(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return 'just now';
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86_400) return relative.format(Math.round(seconds / 86_400), 'day');
  return new Date(iso).toLocaleDateString('en', {
    month: 'short',
    day: 'numeric',
    year: 'numeric',
  });
}

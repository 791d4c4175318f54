import { route } from '@/lib/api';
import { listNotifications, notificationsQuery } from '@/lib/notifications';

export const runtime = 'nodejs';

/** Your notifications, newest first: ?unread=1 for unread only, ?limit, ?before=<id> for older. */
export const GET = route({ query: notificationsQuery }, async ({ session, query }) =>
  listNotifications(session, query),
);

import { route } from '@/lib/api';
import { markNotificationsRead, markReadBody } from '@/lib/notifications';

export const runtime = 'nodejs';

/** Marks notifications read: { ids: [...] } or { all: true }. Only your own ever change. */
export const POST = route({ body: markReadBody }, async ({ session, body }) =>
  markNotificationsRead(session, body),
);

import 'server-only';
import { withUser, type DbSession, type Tx } from '@/lib/db';
import { markReadBody, type MarkReadInput, type NotificationsQuery } from './schemas';

/**
 * A person's in-app notifications (public.notifications): written by SQL functions (alerts,
 * billing, webhooks), read and marked read by their owner only — every query runs under the
 * caller's RLS, so nobody reads or marks anyone else's.
 */

export * from './schemas';

interface Notification {
  id: bigint;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: Date;
  readAt: Date | null;
}

interface NotificationPage {
  items: Notification[];
  unreadCount: number;
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: string | null;
}

interface Row {
  id: bigint;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  created_at: Date;
  read_at: Date | null;
}

async function countUnread(tx: Tx, userId: string): Promise<number> {
  const [row] = await tx<{ n: number }[]>`
    select count(*)::int as n from public.notifications where user_id = ${userId} and read_at is null`;
  return row?.n ?? 0;
}

/** Newest first, keyset-paged by id; `unread` lists only unread ones. */
export async function listNotifications(
  session: DbSession,
  query: Partial<NotificationsQuery> = {},
): Promise<NotificationPage> {
  const { unread = false, before } = query;
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 20), 1), 100);
  return withUser(session, async (tx) => {
    const rows = await tx<Row[]>`
      select id, kind, title, body, link, created_at, read_at from public.notifications
      where user_id = ${session.userId}
        ${unread ? tx`and read_at is null` : tx``}
        ${before ? tx`and id < ${before}::bigint` : tx``}
      order by id desc
      limit ${limit + 1}`;
    const items = rows.slice(0, limit).map((row) => ({
      id: row.id,
      kind: row.kind,
      title: row.title,
      body: row.body,
      link: row.link,
      createdAt: row.created_at,
      readAt: row.read_at,
    }));
    return {
      items,
      unreadCount: await countUnread(tx, session.userId),
      nextBefore: rows.length > limit ? String(items.at(-1)!.id) : null,
    };
  });
}

export function unreadCount(session: DbSession): Promise<number> {
  return withUser(session, (tx) => countUnread(tx, session.userId));
}

/** Marks the given notifications (or all) read; returns how many changed and what stays unread. */
export async function markNotificationsRead(
  session: DbSession,
  input: MarkReadInput,
): Promise<{ updated: number; unreadCount: number }> {
  const value = markReadBody.parse(input);
  return withUser(session, async (tx) => {
    const ids = 'ids' in value ? value.ids : null;
    const [row] = await tx<{ n: number }[]>`
      select public.notifications_mark_read(${ids}::bigint[]) as n`;
    return { updated: row?.n ?? 0, unreadCount: await countUnread(tx, session.userId) };
  });
}

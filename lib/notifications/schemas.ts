import { z } from 'zod';

/** Input of the notifications API. Safe in client components (zod only). */

/** A notification id: a positive whole number, sent as a decimal string or a safe integer. */
const notificationId = z
  .union([
    z.string().regex(/^[1-9]\d{0,17}$/, 'must be a notification id'),
    z.number().int().positive().refine(Number.isSafeInteger, 'must be a notification id'),
  ])
  .transform((value) => String(value));

const flag = z
  .enum(['0', '1', 'true', 'false'])
  .transform((value) => value === '1' || value === 'true');

export const notificationsQuery = z
  .object({
    /** 1: unread only. */
    unread: flag.optional().default(false),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    /** Keyset: only notifications older than this id (the previous page's `nextBefore`). */
    before: notificationId.optional(),
  })
  .strict();
export type NotificationsQuery = z.output<typeof notificationsQuery>;

export const markReadBody = z.union([
  z.object({ ids: z.array(notificationId).min(1).max(500) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);
export type MarkReadInput = z.input<typeof markReadBody>;

/** A notification as the API sends it (ids as strings, dates as ISO text). */
export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationPageView {
  items: NotificationView[];
  unreadCount: number;
  nextBefore: string | null;
}

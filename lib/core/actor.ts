import 'server-only';
import { asService, withUser, type DbSession, type Tx } from '@/lib/db';

/**
 * Who runs the operation: a signed-in user (RLS and auth.uid() apply) or the trusted service
 * (webhooks, jobs, the metered gateway). The database checks either way.
 */
export type Actor = DbSession | 'service';

export function runAs<T>(actor: Actor, work: (tx: Tx) => Promise<T>): Promise<T> {
  return actor === 'service' ? asService(work) : withUser(actor, work);
}

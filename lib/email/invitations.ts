import 'server-only';
import type { Tx } from '@/lib/db';
import { emailKeysAvailable, sealToken } from './secret';

/**
 * Queues an invitation's email inside the transaction that wrote the invitation (so it is sent
 * exactly when the invitation exists). The link's token is sealed: the database keeps only its hash.
 * Returns false (and the link stays copy-only) when no key is configured to seal it.
 */
export async function queueInvitationEmail(
  tx: Tx,
  invitationId: string,
  token: string,
): Promise<boolean> {
  if (!emailKeysAvailable()) return false;
  await tx`select public.invitation_email_queue(${invitationId}, ${sealToken(token)})`;
  return true;
}

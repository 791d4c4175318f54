import 'server-only';
import { withUser, type DbSession } from '@/lib/db';
import { ledgerError } from './errors';

/** The credit lots a wallet still holds, each with its label and expiry (read under RLS). */

export interface LiveLot {
  id: bigint;
  /** What brought the credits in: the grant's description, e.g. "Pro plan credits". */
  label: string;
  source: string;
  /** Plan credits carried over from the previous period (rollover). */
  rolledOver: boolean;
  amount: bigint;
  remaining: bigint;
  expiresAt: Date | null;
}

const SOURCE_LABELS: Record<string, string> = {
  purchase: 'Purchased credits',
  plan: 'Plan credits',
  promo: 'Promotional credits',
  admin: 'Credits from support',
  refund: 'Refunded credits',
  transfer: 'Transferred credits',
  settlement: 'Settled credits',
};

/** Lots with credits left and not expired, in the order they are spent. */
export async function listLiveLots(session: DbSession, walletId: string): Promise<LiveLot[]> {
  const rows = await withUser(session, (tx) =>
    tx<
      {
        id: bigint;
        source: string;
        description: string | null;
        rolled_over: boolean;
        amount: bigint;
        remaining: bigint;
        expires_at: Date | null;
      }[]
    >`
      select l.id, l.source, t.description, coalesce((t.metadata ->> 'rollover')::boolean, false) as rolled_over,
             l.amount, l.remaining, l.expires_at
      from public.lots l join public.transfers t on t.id = l.origin_transfer_id
      where l.account_id = ${walletId} and l.remaining > 0 and l.expired_at is null
        and (l.expires_at is null or l.expires_at > now())
      order by l.priority desc, l.expires_at asc nulls last, l.id
      limit 50`.catch(ledgerError),
  );
  return rows.map((row) => ({
    id: row.id,
    label: row.description ?? SOURCE_LABELS[row.source] ?? 'Credits',
    source: row.source,
    rolledOver: row.rolled_over,
    amount: row.amount,
    remaining: row.remaining,
    expiresAt: row.expires_at,
  }));
}

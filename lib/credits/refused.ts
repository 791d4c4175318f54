import 'server-only';
import { asService } from '@/lib/db';
import type { AppError } from '@/lib/core';

/**
 * A spend refused for lack of credits rolls its transaction back, so the refusal is recorded
 * afterwards, in a service transaction of its own: once per wallet and UTC day (in SQL).
 */
async function recordSpendRefused(
  walletId: string,
  needed: bigint,
  available: bigint,
): Promise<boolean> {
  const [row] = await asService(
    (tx) => tx<{ recorded: boolean }[]>`
      select public.alert_spend_refused(${walletId}, ${needed.toString()}::bigint,
        ${available.toString()}::bigint) as recorded`,
  );
  return row?.recorded ?? false;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MICRO = /^\d{1,19}$/;

/**
 * Called where the ledger refuses a spend (ledgerError, the one place its SQL errors are typed):
 * an insufficient-credits refusal that names the wallet, what was needed and what was available
 * is recorded in the background, and so is a member's first refusal at their monthly limit on an
 * org wallet (an alert and notification for them, once a month). Never throws.
 */
export function noteRefusedSpend(error: AppError): Promise<boolean> | null {
  const { wallet, needed, available, reason, member } = error.extensions;
  if (error.code === 'member_limit_reached') return noteMemberLimit(wallet, member);
  if (error.code !== 'insufficient_credits') return null;
  if (reason !== undefined || typeof wallet !== 'string' || !UUID.test(wallet)) return null;
  if (typeof needed !== 'string' || !MICRO.test(needed)) return null;
  const left = typeof available === 'string' && MICRO.test(available) ? BigInt(available) : 0n;
  return recordSpendRefused(wallet, BigInt(needed), left).catch((failure: unknown) => {
    console.error('recording a refused spend failed', failure);
    return false;
  });
}

/** A member refused at their monthly limit: recorded once per member, wallet and month (in SQL). */
function noteMemberLimit(wallet: unknown, member: unknown): Promise<boolean> | null {
  if (typeof wallet !== 'string' || !UUID.test(wallet)) return null;
  if (typeof member !== 'string' || !UUID.test(member)) return null;
  return asService(
    (tx) => tx<{ recorded: boolean }[]>`
      select public.member_limit_reached(${wallet}, ${member}) as recorded`,
  )
    .then(([row]) => row?.recorded ?? false)
    .catch((failure: unknown) => {
      console.error('recording a member limit failed', failure);
      return false;
    });
}

import 'server-only';
import { one } from '@/lib/core';
import { asService } from '@/lib/db';

/**
 * The allowance part of the maintenance tick: settles subscriptions whose period ended (due
 * downgrades, the monthly credit grant), refreshes balances and returns lapsed reservations.
 * Tidiness only — every operation does the same lazily for its own subject first.
 */
export async function runAllowanceMaintenance(limit = 1000) {
  const row = one(
    await asService(
      (tx) => tx<
        {
          subscriptions_settled: number;
          balances_refreshed: number;
          reservations_expired: number;
        }[]
      >`
      select * from public.allowance_maintenance(${limit})`,
    ),
    'result of allowance_maintenance',
  );
  return {
    subscriptionsSettled: row.subscriptions_settled,
    balancesRefreshed: row.balances_refreshed,
    reservationsExpired: row.reservations_expired,
  };
}

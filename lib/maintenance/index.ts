import 'server-only';
import { runAllowanceMaintenance } from '@/lib/aiTokens';
import { runAlertsScan } from '@/lib/alerts';
import { runLedgerMaintenance } from '@/lib/credits';
import { settleOverdueCalls } from '@/lib/gateway';
import type { JobHandlers } from '@/lib/jobs';
import { dispatchAutoRecharges } from '@/lib/stripe';
import { asService } from '@/lib/db';

/**
 * The maintenance tick: settle metered calls left unsettled by a process that died, expire due
 * holds and lots, issue new plan periods and refresh
 * allowances, and dispatch pending auto-recharges. Correctness never waits for it (every read
 * and spend already ignores what has expired); it keeps the stored state tidy and timely.
 */
export async function runMaintenanceTick() {
  // Before holds expire: a metered call whose process died is charged by the accuracy rules.
  const overdueCalls = await settleOverdueCalls();
  const ledger = await runLedgerMaintenance();
  const allowances = await runAllowanceMaintenance();
  const autoRecharge = await dispatchAutoRecharges(50);
  const alerts = await runAlertsScan(); // spikes, run-out forecasts, expiring keys, failed recharges
  // Keyed requests' answers are replayed for 24 hours, then forgotten.
  const [swept] = await asService(
    (tx) => tx<{ forgotten: number }[]>`select public.idempotency_sweep() as forgotten`,
  );
  return {
    overdueCalls,
    ledger,
    allowances,
    autoRecharge,
    alerts,
    idempotentRequests: swept!.forgotten,
  };
}

/** The maintenance job the worker runs (lib/worker composes every domain's jobs). */
export const maintenanceJobs: JobHandlers = {
  // Expire holds and lots, refresh allowances, dispatch auto-recharges: every minute.
  'maintenance.tick': {
    schedule: '* * * * *',
    handle: () => runMaintenanceTick(),
  },
};

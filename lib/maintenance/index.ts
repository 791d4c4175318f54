import 'server-only';
import { runAllowanceMaintenance } from '@/lib/aiTokens';
import { runAlertsScan } from '@/lib/alerts';
import { runLedgerMaintenance } from '@/lib/credits';
import type { JobHandlers } from '@/lib/jobs';
import { dispatchAutoRecharges } from '@/lib/stripe';

/**
 * The maintenance tick: expire due holds and lots, issue new plan periods and refresh
 * allowances, and dispatch pending auto-recharges. Correctness never waits for it (every read
 * and spend already ignores what has expired); it keeps the stored state tidy and timely.
 */
export async function runMaintenanceTick() {
  const ledger = await runLedgerMaintenance();
  const allowances = await runAllowanceMaintenance();
  const autoRecharge = await dispatchAutoRecharges(50);
  const alerts = await runAlertsScan(); // spikes, run-out forecasts, expiring keys, failed recharges
  return { ledger, allowances, autoRecharge, alerts };
}

/** The maintenance job the worker runs (lib/worker composes every domain's jobs). */
export const maintenanceJobs: JobHandlers = {
  // Expire holds and lots, refresh allowances, dispatch auto-recharges: every minute.
  'maintenance.tick': {
    schedule: '* * * * *',
    handle: () => runMaintenanceTick(),
  },
};

import { cronRoute } from '@/lib/api';
import { dispatchAutoRecharges } from '@/lib/stripe';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Drains the auto-recharge queue (`Authorization: Bearer $CRON_SECRET`). Long-running servers
 * also dispatch at once on the ledger's NOTIFY.
 */
export const GET = cronRoute(() => dispatchAutoRecharges(50));
export const POST = GET;

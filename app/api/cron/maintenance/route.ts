import { cronRoute } from '@/lib/api';
import { runMaintenanceTick } from '@/lib/maintenance';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The maintenance tick for schedulers: `Authorization: Bearer $CRON_SECRET`. */
export const GET = cronRoute(runMaintenanceTick);
export const POST = GET;

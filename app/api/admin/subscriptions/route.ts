import { route } from '@/lib/api';
import { getSubscriptionsOverview } from '@/lib/admin';

export const runtime = 'nodejs';

/**
 * Platform admins: every mirrored subscription (subject, plan, status, interval, period,
 * cancel_at_period_end), MRR in total and per plan, and the past-due list. 403 for anyone else.
 */
export const GET = route({}, async ({ session }) => getSubscriptionsOverview(session));

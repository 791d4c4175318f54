import { route } from '@/lib/api';
import { alertsListQuery, listAlerts } from '@/lib/alerts';

export const runtime = 'nodejs';

/** Alerts raised for you, or with ?orgId= for an organization you own or administer. */
export const GET = route({ query: alertsListQuery }, async ({ session, query }) =>
  listAlerts(session, query),
);

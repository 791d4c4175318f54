import { route } from '@/lib/api';
import {
  alertSettingsBody,
  alertsScopeQuery,
  alertWallet,
  getAlertSettings,
  setAlertSettings,
} from '@/lib/alerts';

export const runtime = 'nodejs';

/** Alert settings of your wallet, or with ?orgId= of an org wallet you own or administer. */
export const GET = route({ query: alertsScopeQuery }, async ({ session, query }) =>
  getAlertSettings(session, await alertWallet(session, query.orgId)),
);

/** { enabled, thresholds: [percent, …], lowBalance: micro-credits (0 = off) }. */
export const PUT = route(
  { query: alertsScopeQuery, body: alertSettingsBody },
  async ({ session, query, body }) =>
    setAlertSettings(session, await alertWallet(session, query.orgId), body),
);

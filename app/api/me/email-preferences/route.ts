import { route } from '@/lib/api';
import { emailPreferencesInput, getEmailPreferences, setEmailPreferences } from '@/lib/email';

export const runtime = 'nodejs';

/** Which optional emails the signed-in user receives (alerts, credits, team). */
export const GET = route({}, async ({ session }) => getEmailPreferences(session));

/** Changes some of them: { alerts?, credits?, team? } booleans, at least one. */
export const PATCH = route({ body: emailPreferencesInput }, async ({ session, body }) =>
  setEmailPreferences(session, body),
);

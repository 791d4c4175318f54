import 'server-only';
import { one } from '@/lib/core';
import { asService, statementAs, type JwtClaims } from '@/lib/db';
import { LOCAL_SESSION_TTL_SECONDS, signLocalSession, verifyLocalToken } from './local-jwt';

/**
 * Local mode's sessions live in the database (private.local_sessions): signing in opens one and
 * puts its id in the token, every request checks it is still open, and signing out ends it, so
 * a token copied before sign-out stops working at once rather than when it expires.
 */

/** Opens a session for the user and returns its signed token. */
export async function startLocalSession(user: { id: string; email: string }): Promise<string> {
  const row = one(
    await asService(
      (tx) => tx<{ id: string }[]>`
        select public.local_session_start(${user.id}, ${LOCAL_SESSION_TTL_SECONDS}) as id`,
    ),
    'the new session',
  );
  return signLocalSession({ ...user, sessionId: row.id });
}

/** The claims of a token whose session is still open, or null. */
export async function activeLocalSession(token: string | undefined): Promise<JwtClaims | null> {
  const claims = await verifyLocalToken(token);
  if (!claims) return null;
  // Every request asks: one round trip (BEGIN, role, the check and COMMIT sent together).
  const [row] = await statementAs(
    'service',
    (sql) => sql<{ active: boolean }[]>`
      select public.local_session_active(${claims.session_id}, ${claims.sub}) as active`,
  );
  return row?.active ? claims : null;
}

/** Ends the token's session (sign-out). A missing or forged token ends nothing. */
export async function endLocalSession(token: string | undefined): Promise<void> {
  const claims = await verifyLocalToken(token);
  if (!claims) return;
  await asService((tx) => tx`select public.local_session_end(${claims.session_id})`);
}

import { SignJWT, jwtVerify } from 'jose';
import type { JwtClaims } from '@/lib/db';

/**
 * Local mode's session tokens: Supabase-shaped JWTs (sub, email, role, aud, session_id) signed
 * with AUTH_JWT_SECRET, so the database sees exactly the claims it would see behind Supabase.
 * A valid signature is not enough to be signed in: the session the token names must still be
 * open (./local-sessions.ts), so sign-out ends it on the server. proxy.ts, which only decides
 * whether to redirect, checks the signature alone.
 */

export const LOCAL_SESSION_COOKIE = 'tollgate-session';
export const LOCAL_SESSION_TTL_SECONDS = 60 * 60 * 24 * 7;
const ISSUER = 'tollgate-local';
const AUDIENCE = 'authenticated';

function secretKey(): Uint8Array {
  const secret = process.env.AUTH_JWT_SECRET;
  if (!secret || secret.length < 32) {
    throw new Error('AUTH_JWT_SECRET (32+ characters) is required for the local sign-in.');
  }
  return new TextEncoder().encode(secret);
}

export async function signLocalSession(user: {
  id: string;
  email: string;
  sessionId: string;
}): Promise<string> {
  return new SignJWT({ email: user.email, role: 'authenticated', session_id: user.sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setAudience(AUDIENCE)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${LOCAL_SESSION_TTL_SECONDS}s`)
    .sign(secretKey());
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The claims of a token whose signature, issuer, audience and expiry check out, or null for a
 * missing, forged, expired or malformed one. Whether its session is still open is not checked.
 */
export async function verifyLocalToken(
  token: string | undefined,
): Promise<(JwtClaims & { session_id: string }) | null> {
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, secretKey(), {
      algorithms: ['HS256'],
      audience: AUDIENCE,
      issuer: ISSUER,
    });
    if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) return null;
    if (payload.role !== 'authenticated') return null;
    if (typeof payload.session_id !== 'string' || !UUID.test(payload.session_id)) return null;
    return {
      ...payload,
      sub: payload.sub,
      role: 'authenticated',
      aud: AUDIENCE,
      session_id: payload.session_id,
    } as JwtClaims & { session_id: string };
  } catch {
    return null;
  }
}

import { SignJWT, jwtVerify } from 'jose';
import type { JwtClaims } from '@/lib/db';

/**
 * Local mode's session tokens: Supabase-shaped JWTs (sub, email, role, aud) signed with
 * AUTH_JWT_SECRET, so the database sees exactly the claims it would see behind Supabase.
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

export async function signLocalSession(user: { id: string; email: string }): Promise<string> {
  return new SignJWT({ email: user.email, role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setAudience(AUDIENCE)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${LOCAL_SESSION_TTL_SECONDS}s`)
    .sign(secretKey());
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Returns the verified claims, or null for a missing, forged, expired or malformed token. */
export async function verifyLocalSession(token: string | undefined): Promise<JwtClaims | null> {
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, secretKey(), {
      algorithms: ['HS256'],
      audience: AUDIENCE,
      issuer: ISSUER,
    });
    if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) return null;
    if (payload.role !== 'authenticated') return null;
    return { ...payload, sub: payload.sub, role: 'authenticated', aud: AUDIENCE } as JwtClaims;
  } catch {
    return null;
  }
}

import 'server-only';
import { cookies } from 'next/headers';
import { createServerClient } from '@supabase/ssr';
import { env, isSupabaseAuth } from '@/lib/env';
import type { DbSession, JwtClaims } from '@/lib/db';
import { parseCookieHeader } from './cookie-header';
import { LOCAL_SESSION_COOKIE } from './local-jwt';
import { activeLocalSession } from './local-sessions';

/**
 * One `getSession()` for both auth modes. A session only ever holds claims that were verified:
 * by our own secret in local mode, by Supabase Auth (getClaims) in Supabase mode.
 */

export interface Session extends DbSession {
  email: string;
}

interface CookieSource {
  getAll(): { name: string; value: string }[];
}

function toSession(claims: JwtClaims | null): Session | null {
  if (!claims) return null;
  return { userId: claims.sub, email: claims.email ?? '', claims };
}

async function supabaseClaims(cookieSource: CookieSource): Promise<JwtClaims | null> {
  const { NEXT_PUBLIC_SUPABASE_URL, NEXT_PUBLIC_SUPABASE_ANON_KEY } = env();
  const supabase = createServerClient(NEXT_PUBLIC_SUPABASE_URL!, NEXT_PUBLIC_SUPABASE_ANON_KEY!, {
    // Reading only: proxy.ts is where refreshed cookies are written back.
    cookies: { getAll: () => cookieSource.getAll(), setAll: () => {} },
  });
  const { data, error } = await supabase.auth.getClaims();
  if (error || !data?.claims || data.claims.role !== 'authenticated') return null;
  return data.claims as unknown as JwtClaims;
}

async function sessionFrom(cookieSource: CookieSource, bearer?: string): Promise<Session | null> {
  if (isSupabaseAuth()) return toSession(await supabaseClaims(cookieSource));
  const token =
    bearer ?? cookieSource.getAll().find((cookie) => cookie.name === LOCAL_SESSION_COOKIE)?.value;
  return toSession(await activeLocalSession(token));
}

/** The signed-in user of the current server component, action or route, or null. */
export async function getSession(): Promise<Session | null> {
  return sessionFrom(await cookies());
}

/**
 * The session of an API request: its cookies, or an `Authorization: Bearer` token for API
 * clients in local mode. Reads the request itself, so handlers work outside Next's request scope.
 */
export async function getRequestSession(request: Request): Promise<Session | null> {
  const authorization = request.headers.get('authorization');
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  const cookieList = parseCookieHeader(request.headers.get('cookie'));
  return sessionFrom({ getAll: () => cookieList }, isSupabaseAuth() ? undefined : bearer);
}

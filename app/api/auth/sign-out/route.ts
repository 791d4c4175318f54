import { NextResponse } from 'next/server';
import { createServerClient } from '@supabase/ssr';
import { env, isSupabaseAuth } from '@/lib/env';
import { parseCookieHeader } from '@/lib/auth/cookie-header';
import { LOCAL_SESSION_COOKIE } from '@/lib/auth/local-jwt';
import { endLocalSession } from '@/lib/auth';

export const runtime = 'nodejs';

/**
 * Signs out in either mode and returns to the sign-in page. Both end the session on the server:
 * Supabase's signOut revokes its refresh token, and local mode closes its session row, so the
 * old token is refused from the next request on.
 */
export async function POST(request: Request): Promise<Response> {
  const response = new NextResponse(null, {
    status: 303,
    headers: { location: '/login?signedOut=1' },
  });
  if (isSupabaseAuth()) {
    const { NEXT_PUBLIC_SUPABASE_URL, NEXT_PUBLIC_SUPABASE_ANON_KEY } = env();
    const requestCookies = parseCookieHeader(request.headers.get('cookie'));
    const supabase = createServerClient(NEXT_PUBLIC_SUPABASE_URL!, NEXT_PUBLIC_SUPABASE_ANON_KEY!, {
      cookies: {
        getAll: () => requestCookies,
        setAll: (list) =>
          list.forEach(({ name, value, options }) => response.cookies.set(name, value, options)),
      },
    });
    await supabase.auth.signOut();
  } else {
    const cookies = parseCookieHeader(request.headers.get('cookie'));
    const bearer = request.headers.get('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
    await endLocalSession(
      bearer ?? cookies.find((cookie) => cookie.name === LOCAL_SESSION_COOKIE)?.value,
    );
  }
  response.cookies.delete(LOCAL_SESSION_COOKIE);
  return response;
}

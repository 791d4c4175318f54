import { NextResponse } from 'next/server';
import { createServerClient } from '@supabase/ssr';
import { env, isSupabaseAuth } from '@/lib/env';
import { parseCookieHeader } from '@/lib/auth/cookie-header';
import { LOCAL_SESSION_COOKIE } from '@/lib/auth/local-jwt';

export const runtime = 'nodejs';

/** Signs out in either mode and returns to the sign-in page. */
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
  }
  response.cookies.delete(LOCAL_SESSION_COOKIE);
  return response;
}

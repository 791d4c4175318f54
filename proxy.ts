import { NextResponse, type NextRequest } from 'next/server';
import { createServerClient } from '@supabase/ssr';
import { LOCAL_SESSION_COOKIE, verifyLocalToken } from '@/lib/auth/local-jwt';

/**
 * Next.js 16's request interceptor (the file formerly called middleware.ts). It only refreshes
 * the Supabase session cookies and redirects signed-out visitors away from private pages; the
 * layouts and API wrapper still check the session themselves.
 */

const PRIVATE_PREFIXES = [
  '/dashboard',
  '/credits',
  '/tokens',
  '/ai',
  '/organizations',
  '/invitations',
  '/checkout',
  '/settings',
  '/admin',
];

function isPrivate(pathname: string): boolean {
  return PRIVATE_PREFIXES.some(
    (prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`),
  );
}

async function supabaseSession(
  request: NextRequest,
): Promise<{ signedIn: boolean; response: NextResponse }> {
  let response = NextResponse.next({ request });
  const supabase = createServerClient(
    process.env.NEXT_PUBLIC_SUPABASE_URL!,
    process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!,
    {
      cookies: {
        getAll: () => request.cookies.getAll(),
        setAll: (list) => {
          list.forEach(({ name, value }) => request.cookies.set(name, value));
          response = NextResponse.next({ request });
          list.forEach(({ name, value, options }) => response.cookies.set(name, value, options));
        },
      },
    },
  );
  // getClaims verifies the JWT and refreshes an expired session, writing new cookies.
  const { data } = await supabase.auth.getClaims();
  return { signedIn: Boolean(data?.claims), response };
}

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { pathname, search } = request.nextUrl;
  let signedIn: boolean;
  let response: NextResponse;
  if (process.env.NEXT_PUBLIC_SUPABASE_URL) {
    ({ signedIn, response } = await supabaseSession(request));
  } else {
    // The signature only: whether the session is still open is the layouts' and API's check.
    signedIn = Boolean(await verifyLocalToken(request.cookies.get(LOCAL_SESSION_COOKIE)?.value));
    response = NextResponse.next({ request });
  }

  if (!signedIn && isPrivate(pathname)) {
    const login = request.nextUrl.clone();
    login.pathname = '/login';
    login.search = `?next=${encodeURIComponent(pathname + search)}`;
    return NextResponse.redirect(login);
  }
  return response;
}

export const config = {
  // Pages only: API routes answer 401 problem+json themselves; static assets need no session.
  matcher: [
    '/((?!api/|_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico)$).*)',
  ],
};

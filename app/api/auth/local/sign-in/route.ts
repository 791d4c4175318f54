import { NextResponse } from 'next/server';
import { z } from 'zod';
import { isSupabaseAuth } from '@/lib/env';
import { findUserForLocalSignIn, startLocalSession } from '@/lib/auth';
import { LOCAL_SESSION_COOKIE, LOCAL_SESSION_TTL_SECONDS } from '@/lib/auth/local-jwt';

import { AppError, errors } from '@/lib/core';
import { problemResponse } from '@/lib/api';
import { safeNextPath } from '@/lib/auth/redirects';

/**
 * Local mode's sign-in: a form post naming one of the seeded users. It does not exist when
 * Supabase Auth is configured (404), so it can never bypass real authentication.
 */

export const runtime = 'nodejs';

const form = z.object({
  userId: z.uuid('Choose a user to sign in as.'),
  next: z.string().optional(),
});

export async function POST(request: Request): Promise<Response> {
  const requestId = crypto.randomUUID();
  try {
    if (isSupabaseAuth()) throw errors.notFound('The local sign-in');
    const body = await request.formData().catch(() => {
      throw new AppError('bad_request', 'Send the sign-in as a form (userId, next).');
    });
    const parsed = form.safeParse(Object.fromEntries(body));
    if (!parsed.success) {
      throw new AppError('validation_failed', parsed.error.issues[0]?.message ?? 'Invalid form.');
    }
    const user = await findUserForLocalSignIn(parsed.data.userId);
    if (!user) throw errors.notFound('That user');
    // A relative Location: the browser stays on the host it used (localhost vs 127.0.0.1),
    // so the cookie it just received goes with the next request.
    const response = new NextResponse(null, {
      status: 303,
      headers: { location: safeNextPath(parsed.data.next) },
    });
    response.cookies.set(LOCAL_SESSION_COOKIE, await startLocalSession(user), {
      httpOnly: true,
      sameSite: 'lax',
      secure: new URL(request.url).protocol === 'https:',
      path: '/',
      maxAge: LOCAL_SESSION_TTL_SECONDS,
    });
    return response;
  } catch (error) {
    return problemResponse(error, requestId);
  }
}

'use server';

import 'server-only';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { createServerClient } from '@supabase/ssr';
import { z } from 'zod';
import { env, isSupabaseAuth } from '@/lib/env';
import { safeNextPath } from '@/lib/auth/redirects';

/** What the sign-in form shows after a failed attempt; success redirects instead. */
export interface SignInState {
  error?: string;
  /** Echoed back so the person doesn't retype their email after a wrong password. */
  email?: string;
}

const signInForm = z.object({
  email: z.string().trim().pipe(z.email('Enter a valid email address.')),
  password: z.string().min(1, 'Enter your password.'),
  next: z.string().optional(),
});

// Supabase's own messages are terse and sometimes technical; these are the ones people hit.
const messagesByCode: Record<string, string> = {
  invalid_credentials: 'That email and password don’t match an account.',
  email_not_confirmed: 'Confirm your email address first: check your inbox for the link.',
  user_banned: 'This account has been suspended. Contact support if you think this is wrong.',
  over_request_rate_limit: 'Too many attempts. Wait a minute and try again.',
};

export async function signInWithPassword(
  _previous: SignInState,
  formData: FormData,
): Promise<SignInState> {
  if (!isSupabaseAuth()) {
    return { error: 'Email sign-in isn’t configured here. Use a demo account instead.' };
  }
  const email = typeof formData.get('email') === 'string' ? String(formData.get('email')) : '';
  const parsed = signInForm.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    return { error: parsed.error.issues[0]?.message ?? 'Check the form and try again.', email };
  }

  const { NEXT_PUBLIC_SUPABASE_URL, NEXT_PUBLIC_SUPABASE_ANON_KEY } = env();
  const jar = await cookies();
  const supabase = createServerClient(NEXT_PUBLIC_SUPABASE_URL!, NEXT_PUBLIC_SUPABASE_ANON_KEY!, {
    cookies: {
      getAll: () => jar.getAll(),
      setAll: (list) => list.forEach(({ name, value, options }) => jar.set(name, value, options)),
    },
  });

  try {
    const { error } = await supabase.auth.signInWithPassword({
      email: parsed.data.email,
      password: parsed.data.password,
    });
    if (error) {
      // No HTTP status means the request never got an answer (Supabase down or misconfigured).
      if (!error.status) throw error;
      const known = error.code ? messagesByCode[error.code] : undefined;
      if (!known) console.error('Supabase sign-in failed', error.status, error.code);
      return {
        error: known ?? 'We couldn’t sign you in right now. Please try again.',
        email: parsed.data.email,
      };
    }
  } catch (error) {
    // Network or configuration trouble: log it in full, tell the person only that it failed.
    console.error('Supabase sign-in threw', error);
    return {
      error: 'We couldn’t reach the sign-in service. Please try again in a moment.',
      email: parsed.data.email,
    };
  }

  // redirect() throws, so it stays outside the try above.
  redirect(safeNextPath(parsed.data.next));
}

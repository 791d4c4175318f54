import { randomUUID } from 'node:crypto';
import { problemResponse } from '@/lib/api';
import { AppError } from '@/lib/core';
import { unsubscribe } from '@/lib/email';

export const runtime = 'nodejs';

/**
 * One-click unsubscribe (RFC 8058): mail clients POST `List-Unsubscribe=One-Click` to the
 * List-Unsubscribe URL, and the confirmation page's button posts a form here. No session: the
 * signed token names the person and the kind of mail, and only turns that kind off.
 */
export async function POST(request: Request): Promise<Response> {
  const token = new URL(request.url).searchParams.get('token') ?? '';
  const done = token.length <= 500 ? await unsubscribe(token) : null;
  if (!done) {
    return problemResponse(
      new AppError('bad_request', 'This unsubscribe link is not valid.'),
      randomUUID(),
    );
  }
  // A person's browser (the confirmation page's form) goes back to the page; mail clients get 200.
  if ((request.headers.get('accept') ?? '').includes('text/html')) {
    const back = new URL('/unsubscribe', request.url);
    back.searchParams.set('done', done.category);
    return Response.redirect(back, 303);
  }
  return Response.json({ unsubscribed: done.category });
}

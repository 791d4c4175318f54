import { localMailbox, readLocalMail } from '@/lib/email';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** One caught message's HTML, for the /dev/mail frame (sandboxed; no script runs). */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params;
  if (!localMailbox()) return new Response('Not found', { status: 404 });
  const message = (await readLocalMail()).find((item) => item.id === id);
  if (!message) return new Response('Not found', { status: 404 });
  const body =
    message.html || `<pre>${message.text.replace(/[<&]/g, (c) => `&#${c.charCodeAt(0)};`)}</pre>`;
  return new Response(body, {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      // No script runs (CSP), in an opaque origin (sandbox without allow-same-origin).
      'content-security-policy':
        "sandbox allow-scripts allow-popups allow-top-navigation-by-user-activation; script-src 'none'; object-src 'none'",
      'x-frame-options': 'SAMEORIGIN',
    },
  });
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Inbox } from 'lucide-react';
import { Brand } from '@/components/layout/brand';
import { localMailbox, readLocalMail } from '@/lib/email';
import { cn } from '@/lib/utils';

export const metadata: Metadata = { title: 'Local mail' };
export const dynamic = 'force-dynamic';

/** Every link of a message, in order, once each (what a reader would click). */
function linksOf(html: string): string[] {
  const found = [...html.matchAll(/href="([^"]+)"/g)].map((match) =>
    match[1]!.replaceAll('&amp;', '&'),
  );
  return [...new Set(found)].filter((href) => /^https?:\/\//.test(href));
}

/**
 * Development only: the mail `npm run dev` caught on its local SMTP server, newest first, and
 * the chosen message rendered as the recipient would see it. Not found in production.
 */
export default async function LocalMailPage({
  searchParams,
}: {
  searchParams: Promise<{ id?: string }>;
}) {
  if (!localMailbox()) notFound();
  const { id } = await searchParams;
  const messages = await readLocalMail();
  const open = messages.find((message) => message.id === id) ?? messages[0];

  return (
    <main className="mx-auto flex min-h-dvh max-w-7xl flex-col gap-4 p-4 sm:p-6">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-3">
          <Link href="/dashboard" className="rounded-md">
            <Brand />
          </Link>
          <h1 className="text-lg font-semibold">Local mail</h1>
        </div>
        <p className="text-muted-foreground text-sm">
          Caught by the development SMTP server; nothing here was delivered.
        </p>
      </header>
      {messages.length === 0 ? (
        <div className="text-muted-foreground flex flex-col items-center gap-3 rounded-lg border p-12 text-center">
          <Inbox aria-hidden="true" className="size-8" />
          <p>No mail yet. Invite someone to an organization, or buy credits, and reload.</p>
        </div>
      ) : (
        <div className="grid min-w-0 gap-4 lg:grid-cols-[22rem_1fr]">
          <nav aria-label="Messages" className="flex min-w-0 flex-col rounded-lg border">
            <ul className="divide-y">
              {messages.map((message) => (
                <li key={message.id}>
                  <Link
                    href={`/dev/mail?id=${message.id}`}
                    aria-current={message.id === open?.id ? 'true' : undefined}
                    className={cn(
                      'hover:bg-muted flex flex-col gap-0.5 px-3 py-2 text-sm',
                      message.id === open?.id && 'bg-muted',
                    )}
                  >
                    <span className="truncate font-medium">{message.subject}</span>
                    <span className="text-muted-foreground truncate text-xs">
                      To {message.to.join(', ')} ·{' '}
                      {new Date(message.receivedAt).toISOString().slice(0, 19).replace('T', ' ')}{' '}
                      UTC
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          {open ? (
            <article
              aria-label="Message"
              className="flex min-w-0 flex-col gap-3 rounded-lg border p-4"
            >
              <div className="flex min-w-0 flex-col gap-1 text-sm">
                <h2 className="text-base font-semibold break-words">{open.subject}</h2>
                <p className="text-muted-foreground break-all">From {open.from}</p>
                <p className="text-muted-foreground break-all">To {open.to.join(', ')}</p>
                {open.headers['list-unsubscribe'] ? (
                  <p className="text-muted-foreground break-all">
                    List-Unsubscribe {open.headers['list-unsubscribe']}
                  </p>
                ) : null}
              </div>
              <iframe
                title={`Message: ${open.subject}`}
                src={`/dev/mail/${open.id}`}
                sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"
                className="h-[36rem] w-full rounded-md border bg-white"
              />
              <section aria-label="Links in this message" className="flex min-w-0 flex-col gap-1">
                <h3 className="text-sm font-semibold">Links</h3>
                <ul className="flex flex-col gap-1 text-sm">
                  {linksOf(open.html).map((href) => (
                    <li key={href} className="break-all">
                      <a href={href} className="text-primary underline-offset-2 hover:underline">
                        {href}
                      </a>
                    </li>
                  ))}
                </ul>
              </section>
              <details className="text-sm">
                <summary className="cursor-pointer font-semibold">Plain text</summary>
                <pre className="bg-muted mt-2 overflow-x-auto rounded-md p-3 text-xs whitespace-pre-wrap">
                  {open.text}
                </pre>
              </details>
            </article>
          ) : null}
        </div>
      )}
    </main>
  );
}

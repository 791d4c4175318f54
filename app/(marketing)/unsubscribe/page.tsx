import type { Metadata } from 'next';
import Link from 'next/link';
import { MailX } from 'lucide-react';
import { Brand } from '@/components/layout/brand';
import { Button, buttonVariants } from '@/components/ui/button';
import { EMAIL_CATEGORY_LABELS, readUnsubscribeToken, type EmailCategory } from '@/lib/email';

export const metadata: Metadata = { title: 'Unsubscribe' };
export const dynamic = 'force-dynamic';

/**
 * Where an email's "Unsubscribe" link lands: it names the kind of mail and asks for one click
 * (a visit alone changes nothing, so link scanners cannot unsubscribe anyone), then confirms.
 */
export default async function UnsubscribePage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string; done?: string }>;
}) {
  const { token = '', done } = await searchParams;
  const finished = done && done in EMAIL_CATEGORY_LABELS ? (done as EmailCategory) : null;
  const named = finished ? null : readUnsubscribeToken(token);
  const label = EMAIL_CATEGORY_LABELS[finished ?? named?.category ?? 'alerts'];

  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 px-4 py-16 text-center">
      <Link href="/" className="rounded-md">
        <Brand />
      </Link>
      <div className="bg-muted flex size-12 items-center justify-center rounded-full">
        <MailX aria-hidden="true" className="text-muted-foreground size-6" />
      </div>
      <div className="flex max-w-md flex-col gap-2">
        {finished ? (
          <>
            <h1 className="text-2xl font-semibold tracking-tight">You are unsubscribed</h1>
            <p className="text-muted-foreground">
              You will no longer get “{label.title}” emails. Receipts and invitations still arrive;
              you can turn any kind back on in Settings.
            </p>
          </>
        ) : named ? (
          <>
            <h1 className="text-2xl font-semibold tracking-tight">Stop “{label.title}” emails?</h1>
            <p className="text-muted-foreground">{label.detail}</p>
          </>
        ) : (
          <>
            <h1 className="text-2xl font-semibold tracking-tight">This link is not valid</h1>
            <p className="text-muted-foreground">
              Choose which emails you receive in Settings instead.
            </p>
          </>
        )}
      </div>
      <div className="flex flex-wrap justify-center gap-3">
        {named ? (
          <form method="post" action={`/api/email/unsubscribe?token=${encodeURIComponent(token)}`}>
            <Button type="submit">Unsubscribe</Button>
          </form>
        ) : null}
        <Link href="/settings#email" className={buttonVariants({ variant: 'outline' })}>
          Email settings
        </Link>
      </div>
    </main>
  );
}

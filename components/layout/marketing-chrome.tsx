import Link from 'next/link';
import { buttonVariants } from '@/components/ui/button';
import { cn } from '@/lib/utils';
import { Brand } from './brand';

type MarketingPage = 'home' | 'pricing' | 'docs';

const pages: { page: MarketingPage; href: string; label: string }[] = [
  { page: 'pricing', href: '/pricing', label: 'Pricing' },
  { page: 'docs', href: '/docs', label: 'Docs' },
];

/** The public pages' header: the brand, Pricing and Docs, and the way in (or back in). */
export function MarketingHeader({
  current,
  signedIn = false,
  sticky = false,
}: {
  current: MarketingPage;
  signedIn?: boolean;
  sticky?: boolean;
}) {
  return (
    <header
      className={cn('border-b', sticky && 'bg-background/95 sticky top-0 z-10 backdrop-blur')}
    >
      <div className="mx-auto flex h-16 w-full max-w-6xl items-center justify-between gap-4 px-4 md:px-6">
        <Link href="/" className="rounded-md">
          <Brand />
        </Link>
        <nav aria-label="Site" className="flex items-center gap-1 sm:gap-2">
          {pages.map(({ page, href, label }) => (
            <Link
              key={page}
              href={href}
              aria-current={page === current ? 'page' : undefined}
              className={cn(
                buttonVariants({ variant: 'ghost', size: 'sm' }),
                page === current && 'text-foreground font-semibold',
              )}
            >
              {label}
            </Link>
          ))}
          <Link
            href={signedIn ? '/dashboard' : '/login'}
            className={buttonVariants({ variant: 'outline', size: 'sm' })}
          >
            {signedIn ? 'Dashboard' : 'Sign in'}
          </Link>
        </nav>
      </div>
    </header>
  );
}

/** The public pages' footer. */
export function MarketingFooter() {
  return (
    <footer className="border-t">
      <div className="text-muted-foreground mx-auto flex w-full max-w-6xl flex-col gap-2 px-4 py-6 text-sm sm:flex-row sm:items-center sm:justify-between md:px-6">
        <p>Tollgate: credits and metering for AI SaaS.</p>
        <nav aria-label="Footer" className="flex gap-4">
          <Link href="/pricing" className="hover:text-foreground">
            Pricing
          </Link>
          <Link href="/docs" className="hover:text-foreground">
            API docs
          </Link>
          <Link href="/login" className="hover:text-foreground">
            Sign in
          </Link>
        </nav>
      </div>
    </footer>
  );
}

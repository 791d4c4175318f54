'use client';

import type { ReactNode } from 'react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/utils';

/**
 * One link of the dashboard navigation, highlighted on its section's pages. Only this part needs
 * the browser (the current path); the list and its icons render on the server (./sidebar-nav).
 */
export function NavLink({
  href,
  moreSpecific,
  onNavigate,
  children,
}: {
  href: string;
  /** Items under this one (/ai/batches under /ai): their pages are theirs, not this item's. */
  moreSpecific: readonly string[];
  onNavigate?: () => void;
  children: ReactNode;
}) {
  const active = isActivePath(usePathname() ?? '', href, moreSpecific);
  return (
    <Link
      href={href}
      aria-current={active ? 'page' : undefined}
      onClick={onNavigate}
      className={cn(
        'flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors',
        active
          ? 'bg-accent text-accent-foreground'
          : 'text-muted-foreground hover:bg-muted hover:text-foreground',
      )}
    >
      {children}
    </Link>
  );
}

/**
 * A section stays highlighted on its sub-pages (/credits/history still marks Credits), unless a
 * more specific item owns the page (/ai/batches marks AI batches, not the assistant at /ai).
 */
function isActivePath(pathname: string, href: string, moreSpecific: readonly string[]): boolean {
  const within = (candidate: string) =>
    pathname === candidate || pathname.startsWith(`${candidate}/`);
  return within(href) && !moreSpecific.some(within);
}

import type * as React from 'react';
import Link from 'next/link';
import { LogOut } from 'lucide-react';
import type { ProfileWithOrgs } from '@/lib/orgs';
import { Button } from '@/components/ui/button';
import { Brand } from './brand';
import { MobileNav } from './mobile-nav';
import { SidebarNav } from './sidebar-nav';

/** Only what the chrome shows: the session and ids stay on the server. */
type ShellViewer = Pick<ProfileWithOrgs, 'fullName' | 'email' | 'isPlatformAdmin' | 'orgs'>;

interface DashboardShellProps {
  viewer: ShellViewer;
  /** Room in the header for widgets such as a credit balance. */
  headerSlot?: React.ReactNode;
  /** Room at the bottom of the desktop sidebar, e.g. the AI usage widget. */
  sidebarFooter?: React.ReactNode;
  children: React.ReactNode;
}

export function DashboardShell({
  viewer,
  headerSlot,
  sidebarFooter,
  children,
}: DashboardShellProps) {
  return (
    <div className="bg-muted/40 min-h-dvh">
      <a
        href="#main-content"
        className="bg-primary text-primary-foreground sr-only z-[60] rounded-md px-4 py-2 text-sm font-medium focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
      >
        Skip to content
      </a>
      <header className="bg-background/95 supports-[backdrop-filter]:bg-background/80 sticky top-0 z-40 border-b backdrop-blur">
        <div className="flex h-14 items-center gap-2 px-4 md:gap-4 md:px-6">
          <MobileNav
            isPlatformAdmin={viewer.isPlatformAdmin}
            fullName={viewer.fullName}
            email={viewer.email}
          />
          <Link href="/dashboard" className="rounded-md">
            <Brand />
          </Link>
          <div className="ml-auto flex min-w-0 items-center gap-3">
            {headerSlot}
            <div className="hidden min-w-0 text-right text-sm leading-tight sm:block">
              <p className="truncate font-medium">{viewer.fullName}</p>
              <p className="text-muted-foreground truncate text-xs">{viewer.email}</p>
            </div>
            <form method="post" action="/api/auth/sign-out">
              <Button type="submit" variant="outline" size="sm">
                <LogOut aria-hidden="true" />
                {/* Icon only on a phone, where the header also holds the balance and alerts. */}
                <span className="sr-only sm:not-sr-only">Sign out</span>
              </Button>
            </form>
          </div>
        </div>
      </header>
      <div className="flex">
        <aside className="bg-background sticky top-14 hidden h-[calc(100dvh-3.5rem)] w-60 shrink-0 overflow-y-auto border-r p-3 md:flex md:flex-col md:justify-between md:gap-4">
          <SidebarNav isPlatformAdmin={viewer.isPlatformAdmin} />
          {sidebarFooter ? <div className="shrink-0">{sidebarFooter}</div> : null}
        </aside>
        <main
          id="main-content"
          tabIndex={-1}
          className="min-w-0 flex-1 px-4 py-6 outline-none md:px-8 md:py-8"
        >
          <div className="mx-auto w-full max-w-6xl">{children}</div>
        </main>
      </div>
    </div>
  );
}

'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/utils';
import { isActivePath, navItemsFor } from './nav-items';

interface SidebarNavProps {
  isPlatformAdmin: boolean;
  /** Called after a link is followed, so the phone drawer can close itself. */
  onNavigate?: () => void;
  className?: string;
}

export function SidebarNav({ isPlatformAdmin, onNavigate, className }: SidebarNavProps) {
  const pathname = usePathname() ?? '';
  return (
    <nav aria-label="Main" className={className}>
      <ul className="flex flex-col gap-0.5">
        {navItemsFor(isPlatformAdmin).map((item) => {
          const active = isActivePath(pathname, item.href);
          const Icon = item.icon;
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? 'page' : undefined}
                onClick={onNavigate}
                className={cn(
                  'flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors',
                  active
                    ? 'bg-accent text-accent-foreground'
                    : 'text-muted-foreground hover:bg-muted hover:text-foreground',
                )}
              >
                <Icon aria-hidden="true" className="size-4 shrink-0" />
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/utils';

const links = [
  { href: '/admin', label: 'Overview' },
  { href: '/admin/grants', label: 'Grant credits' },
  { href: '/admin/packages', label: 'Packages' },
  { href: '/admin/payments', label: 'Payments' },
  { href: '/admin/plans', label: 'Plans' },
  { href: '/admin/plan-overrides', label: 'Plan overrides' },
  { href: '/admin/subscriptions', label: 'Subscriptions' },
  { href: '/admin/models', label: 'Models' },
  { href: '/admin/flags', label: 'Flags' },
  { href: '/admin/rollouts', label: 'Rollouts' },
  { href: '/admin/experiments', label: 'Experiments' },
] as const;

/** The admin area's own tabs, under the dashboard chrome. */
export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Admin sections" className="-mb-2 overflow-x-auto border-b">
      <ul className="flex flex-wrap gap-x-1">
        {links.map((link) => {
          const active = pathname === link.href;
          return (
            <li key={link.href}>
              <Link
                href={link.href}
                aria-current={active ? 'page' : undefined}
                className={cn(
                  'hover:text-foreground inline-block border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors',
                  active
                    ? 'border-primary text-foreground'
                    : 'text-muted-foreground border-transparent',
                )}
              >
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

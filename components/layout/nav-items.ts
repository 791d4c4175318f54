import {
  Building2,
  Coins,
  CreditCard,
  KeyRound,
  LayoutDashboard,
  ListChecks,
  Settings,
  ShieldCheck,
  Sparkles,
  Tag,
  Wand2,
  type LucideIcon,
} from 'lucide-react';

/** The dashboard's navigation, in one place: the sidebar and the phone drawer both read this. */

interface NavItem {
  label: string;
  href: string;
  icon: LucideIcon;
  /** Only platform admins see it (the admin pages check again on the server). */
  platformAdminOnly?: boolean;
}

const navItems: readonly NavItem[] = [
  { label: 'Dashboard', href: '/dashboard', icon: LayoutDashboard },
  { label: 'Credits', href: '/credits', icon: Coins },
  { label: 'Allowances', href: '/allowances', icon: KeyRound },
  { label: 'AI Assistant', href: '/ai', icon: Sparkles },
  { label: 'AI features', href: '/features', icon: Wand2 },
  { label: 'AI batches', href: '/ai/batches', icon: ListChecks },
  { label: 'Organizations', href: '/organizations', icon: Building2 },
  { label: 'Billing', href: '/billing', icon: CreditCard },
  { label: 'Pricing', href: '/pricing', icon: Tag },
  { label: 'Settings', href: '/settings', icon: Settings },
  { label: 'Admin', href: '/admin', icon: ShieldCheck, platformAdminOnly: true },
];

export function navItemsFor(isPlatformAdmin: boolean): NavItem[] {
  return navItems.filter((item) => !item.platformAdminOnly || isPlatformAdmin);
}

/**
 * A section stays highlighted on its sub-pages (/credits/history still marks Credits), unless a
 * more specific item owns the page (/ai/batches marks AI batches, not the assistant at /ai).
 */
export function isActivePath(
  pathname: string,
  href: string,
  items: readonly NavItem[] = navItems,
): boolean {
  const within = (candidate: string) =>
    pathname === candidate || pathname.startsWith(`${candidate}/`);
  if (!within(href)) return false;
  return !items.some((item) => item.href.length > href.length && within(item.href));
}

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

/** The items whose pages lie under `href` (/ai/batches under /ai): they own those pages. */
export function moreSpecificThan(href: string): string[] {
  return navItems.filter((item) => item.href.startsWith(`${href}/`)).map((item) => item.href);
}

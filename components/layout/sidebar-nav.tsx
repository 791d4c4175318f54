import { navItemsFor, moreSpecificThan } from './nav-items';
import { NavLink } from './nav-link';

interface SidebarNavProps {
  isPlatformAdmin: boolean;
  /** Called after a link is followed, so the phone drawer can close itself. */
  onNavigate?: () => void;
  className?: string;
}

/**
 * The dashboard's navigation. In the sidebar it renders on the server, icons included, and only
 * the links' highlighting runs in the browser (./nav-link); the phone drawer renders it there.
 */
export function SidebarNav({ isPlatformAdmin, onNavigate, className }: SidebarNavProps) {
  return (
    <nav aria-label="Main" className={className}>
      <ul className="flex flex-col gap-0.5">
        {navItemsFor(isPlatformAdmin).map((item) => {
          const Icon = item.icon;
          return (
            <li key={item.href}>
              <NavLink
                href={item.href}
                moreSpecific={moreSpecificThan(item.href)}
                onNavigate={onNavigate}
              >
                <Icon aria-hidden="true" className="size-4 shrink-0" />
                {item.label}
              </NavLink>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

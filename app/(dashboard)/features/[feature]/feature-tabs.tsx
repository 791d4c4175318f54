import Link from 'next/link';
import { cn } from '@/lib/utils';

/** Switches between the four AI features; each is its own URL so it can be linked to. */
export function FeatureTabs({
  tabs,
  current,
}: {
  tabs: { key: string; label: string }[];
  current: string;
}) {
  return (
    <nav aria-label="AI features" className="-mb-2 overflow-x-auto border-b">
      <ul className="flex flex-wrap gap-x-1">
        {tabs.map((tab) => {
          const active = tab.key === current;
          return (
            <li key={tab.key}>
              <Link
                href={`/features/${tab.key}`}
                aria-current={active ? 'page' : undefined}
                className={cn(
                  'hover:text-foreground inline-block border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors',
                  active
                    ? 'border-primary text-foreground'
                    : 'text-muted-foreground border-transparent',
                )}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

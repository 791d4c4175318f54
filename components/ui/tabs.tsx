'use client';

import * as React from 'react';
import { cn } from '@/lib/utils';

/**
 * Tabs with the theme applied and the WAI-ARIA tabs pattern: a tablist of tabs that point at
 * their panels (aria-controls / aria-labelledby), one tab stop (the selected tab), arrow keys,
 * Home and End move between tabs and select as focus moves. Controlled (`value` and
 * `onValueChange`); an inactive panel is not rendered. Written out rather than taken from a
 * component library: the credits page loads it up front, so it stays small.
 */

interface TabsContextValue {
  baseId: string;
  value: string;
  select: (value: string) => void;
}

const TabsContext = React.createContext<TabsContextValue | null>(null);

function useTabs(): TabsContextValue {
  const context = React.useContext(TabsContext);
  if (!context) throw new Error('Tabs parts must be inside <Tabs>.');
  return context;
}

const triggerId = (baseId: string, value: string) => `${baseId}-trigger-${value}`;
const contentId = (baseId: string, value: string) => `${baseId}-content-${value}`;

export function Tabs({
  value,
  onValueChange,
  ...props
}: Omit<React.ComponentProps<'div'>, 'onChange'> & {
  value: string;
  onValueChange: (value: string) => void;
}) {
  const baseId = React.useId();
  const context = React.useMemo(
    () => ({ baseId, value, select: onValueChange }),
    [baseId, value, onValueChange],
  );
  return (
    <TabsContext.Provider value={context}>
      <div data-orientation="horizontal" {...props} />
    </TabsContext.Provider>
  );
}

const MOVES: Record<string, (index: number, count: number) => number> = {
  ArrowRight: (index, count) => (index + 1) % count,
  ArrowLeft: (index, count) => (index - 1 + count) % count,
  Home: () => 0,
  End: (_index, count) => count - 1,
};

export function TabsList({ className, onKeyDown, ...props }: React.ComponentProps<'div'>) {
  return (
    <div
      role="tablist"
      aria-orientation="horizontal"
      data-orientation="horizontal"
      className={cn(
        'bg-muted text-muted-foreground inline-flex h-9 items-center justify-center rounded-lg p-1',
        className,
      )}
      onKeyDown={(event) => {
        onKeyDown?.(event);
        const move = MOVES[event.key];
        if (!move || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
          return;
        }
        const tabs = [
          ...event.currentTarget.querySelectorAll<HTMLButtonElement>('[role="tab"]:not(:disabled)'),
        ];
        const index = tabs.indexOf(document.activeElement as HTMLButtonElement);
        if (index === -1) return;
        event.preventDefault();
        tabs[move(index, tabs.length)]?.focus();
      }}
      {...props}
    />
  );
}

export function TabsTrigger({
  value,
  className,
  onClick,
  onFocus,
  disabled,
  ...props
}: React.ComponentProps<'button'> & { value: string }) {
  const { baseId, value: selected, select } = useTabs();
  const active = value === selected;
  return (
    <button
      type="button"
      role="tab"
      id={triggerId(baseId, value)}
      aria-selected={active}
      aria-controls={contentId(baseId, value)}
      data-state={active ? 'active' : 'inactive'}
      data-orientation="horizontal"
      tabIndex={active ? 0 : -1}
      disabled={disabled}
      className={cn(
        'inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-1 text-sm font-medium whitespace-nowrap transition-colors',
        'hover:text-foreground disabled:pointer-events-none disabled:opacity-50',
        'data-[state=active]:bg-background data-[state=active]:text-foreground data-[state=active]:shadow-sm',
        className,
      )}
      onClick={(event) => {
        onClick?.(event);
        if (!event.defaultPrevented && !active) select(value);
      }}
      // Arrow keys move focus; the tab that gets it is selected (automatic activation).
      onFocus={(event) => {
        onFocus?.(event);
        if (!event.defaultPrevented && !active) select(value);
      }}
      {...props}
    />
  );
}

export function TabsContent({
  value,
  className,
  children,
  ...props
}: React.ComponentProps<'div'> & { value: string }) {
  const { baseId, value: selected } = useTabs();
  const active = value === selected;
  return (
    <div
      role="tabpanel"
      id={contentId(baseId, value)}
      aria-labelledby={triggerId(baseId, value)}
      data-state={active ? 'active' : 'inactive'}
      data-orientation="horizontal"
      hidden={!active}
      tabIndex={0}
      className={cn('mt-4', className)}
      {...props}
    >
      {active ? children : null}
    </div>
  );
}

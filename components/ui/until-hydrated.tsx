'use client';

import { useCallback, useEffect, useState, type ComponentType, type ReactNode } from 'react';

/**
 * For controls whose code loads after the page's own (next/dynamic): their server-rendered HTML
 * can be on screen before that code has hydrated it, and React drops a click made then. Inside
 * <UntilHydrated> they stay disabled (a fieldset with no box of its own) until the loaded
 * component reports that it has mounted, so an early click waits instead of getting lost.
 */
export function UntilHydrated({ children }: { children: (onHydrated: () => void) => ReactNode }) {
  const [hydrated, setHydrated] = useState(false);
  const onHydrated = useCallback(() => setHydrated(true), []);
  return (
    <fieldset disabled={!hydrated} className="contents">
      {children(onHydrated)}
    </fieldset>
  );
}

/** Wraps the lazily loaded component so it tells <UntilHydrated> once it has mounted. */
export function reportsHydration<P extends object>(
  Component: ComponentType<P>,
): ComponentType<P & { onHydrated: () => void }> {
  function Hydrating({ onHydrated, ...props }: P & { onHydrated: () => void }) {
    useEffect(onHydrated, [onHydrated]);
    return <Component {...(props as unknown as P)} />;
  }
  return Hydrating;
}

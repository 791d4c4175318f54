'use client';

import * as React from 'react';
import { Menu } from 'lucide-react';
import { Button } from '@/components/ui/button';

// The drawer (and Radix Dialog with it) is fetched on first use, or as soon as the pointer or
// focus reaches the menu button, so the chrome every dashboard page loads stays small.
const loadDrawer = () => import('./mobile-nav-drawer');
const MobileNavDrawer = React.lazy(() =>
  loadDrawer().then((module) => ({ default: module.MobileNavDrawer })),
);

interface MobileNavProps {
  isPlatformAdmin: boolean;
  fullName: string;
  email: string;
}

/** The sidebar as a drawer below the md breakpoint, opened by the menu button in the header. */
export function MobileNav({ isPlatformAdmin, fullName, email }: MobileNavProps) {
  const [open, setOpen] = React.useState(false);
  // Mounted from the first open on, so the drawer can play its closing state and keep its chunk.
  const [used, setUsed] = React.useState(false);
  const trigger = React.useRef<HTMLButtonElement>(null);

  function preload() {
    void loadDrawer();
  }

  return (
    <>
      <Button
        ref={trigger}
        variant="ghost"
        size="icon"
        className="-ml-2 md:hidden"
        aria-haspopup="dialog"
        aria-expanded={open}
        onPointerEnter={preload}
        onFocus={preload}
        onClick={() => {
          setUsed(true);
          setOpen(true);
        }}
      >
        <Menu aria-hidden="true" />
        <span className="sr-only">Open navigation menu</span>
      </Button>
      {used ? (
        <React.Suspense fallback={null}>
          <MobileNavDrawer
            open={open}
            onOpenChange={setOpen}
            trigger={trigger}
            isPlatformAdmin={isPlatformAdmin}
            fullName={fullName}
            email={email}
          />
        </React.Suspense>
      ) : null}
    </>
  );
}

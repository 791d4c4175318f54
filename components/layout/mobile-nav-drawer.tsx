'use client';

import type { RefObject } from 'react';
import { Dialog as DialogPrimitive } from 'radix-ui';
import { X } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Brand } from './brand';
import { SidebarNav } from './sidebar-nav';

interface MobileNavDrawerProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The menu button outside this module: focus goes back to it when the drawer closes. */
  trigger: RefObject<HTMLButtonElement | null>;
  isPlatformAdmin: boolean;
  fullName: string;
  email: string;
}

/**
 * The phone drawer, loaded on first use. Radix Dialog gives it the focus trap, Escape to close
 * and the overlay; focus returns to the menu button when it closes.
 */
export function MobileNavDrawer({
  open,
  onOpenChange,
  trigger,
  isPlatformAdmin,
  fullName,
  email,
}: MobileNavDrawerProps) {
  return (
    <DialogPrimitive.Root open={open} onOpenChange={onOpenChange}>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="data-[state=open]:animate-fade-in fixed inset-0 z-50 bg-slate-950/50 md:hidden" />
        <DialogPrimitive.Content
          aria-describedby={undefined}
          onCloseAutoFocus={(event) => {
            event.preventDefault();
            trigger.current?.focus();
          }}
          className="bg-background data-[state=open]:animate-drawer-in fixed inset-y-0 left-0 z-50 flex w-72 max-w-[85vw] flex-col border-r shadow-xl md:hidden"
        >
          <div className="flex h-14 items-center justify-between border-b px-4">
            <DialogPrimitive.Title className="text-base">
              <Brand />
            </DialogPrimitive.Title>
            <DialogPrimitive.Close asChild>
              <Button variant="ghost" size="icon" className="-mr-2">
                <X aria-hidden="true" />
                <span className="sr-only">Close navigation menu</span>
              </Button>
            </DialogPrimitive.Close>
          </div>
          <SidebarNav
            isPlatformAdmin={isPlatformAdmin}
            onNavigate={() => onOpenChange(false)}
            className="flex-1 overflow-y-auto p-3"
          />
          <div className="border-t p-4 text-sm">
            <p className="truncate font-medium">{fullName}</p>
            <p className="text-muted-foreground truncate">{email}</p>
          </div>
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  );
}

'use client';

import * as React from 'react';
import { Dialog as DialogPrimitive } from 'radix-ui';
import { Menu, X } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Brand } from './brand';
import { SidebarNav } from './sidebar-nav';

export interface MobileNavProps {
  isPlatformAdmin: boolean;
  fullName: string;
  email: string;
}

/**
 * The sidebar as a drawer below the md breakpoint. Radix Dialog gives it the focus trap, Escape
 * to close and focus return to the menu button.
 */
export function MobileNav({ isPlatformAdmin, fullName, email }: MobileNavProps) {
  const [open, setOpen] = React.useState(false);
  return (
    <DialogPrimitive.Root open={open} onOpenChange={setOpen}>
      <DialogPrimitive.Trigger asChild>
        <Button variant="ghost" size="icon" className="-ml-2 md:hidden">
          <Menu aria-hidden="true" />
          <span className="sr-only">Open navigation menu</span>
        </Button>
      </DialogPrimitive.Trigger>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="data-[state=open]:animate-fade-in fixed inset-0 z-50 bg-slate-950/50 md:hidden" />
        <DialogPrimitive.Content
          aria-describedby={undefined}
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
            onNavigate={() => setOpen(false)}
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

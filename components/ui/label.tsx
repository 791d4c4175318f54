import * as React from 'react';
import { cn } from '@/lib/utils';

/** A form label; the caller supplies htmlFor (or nests the control). */
export function Label({ className, ...props }: React.ComponentProps<'label'>) {
  return (
    <label
      className={cn(
        'text-sm leading-none font-medium peer-disabled:cursor-not-allowed peer-disabled:opacity-70',
        className,
      )}
      {...props}
    />
  );
}

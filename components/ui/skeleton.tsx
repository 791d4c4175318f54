import * as React from 'react';
import { cn } from '@/lib/utils';

/** A placeholder block; decorative, so hidden from assistive tech (announce loading elsewhere). */
export function Skeleton({ className, ...props }: React.ComponentProps<'div'>) {
  return (
    <div
      aria-hidden="true"
      className={cn('bg-muted animate-pulse rounded-md', className)}
      {...props}
    />
  );
}

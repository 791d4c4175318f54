import * as React from 'react';
import { cn } from '@/lib/utils';

/**
 * `stack`: below 640 px each row becomes a block of label–value lines (cells name themselves
 * with `data-label`; see .table-stack in globals.css), so no column or action hides in sideways
 * scrolling. Without it the wrapper scrolls wide tables, with a shadow on the hidden side.
 */
export function Table({
  className,
  stack = false,
  ...props
}: React.ComponentProps<'table'> & { stack?: boolean }) {
  return (
    <div
      className={cn(
        'scroll-shadow-x relative w-full overflow-x-auto',
        stack && 'max-sm:overflow-x-visible max-sm:bg-none',
      )}
    >
      <table
        className={cn('w-full caption-bottom text-sm', stack && 'table-stack', className)}
        {...props}
      />
    </div>
  );
}

export function TableHeader({ className, ...props }: React.ComponentProps<'thead'>) {
  return <thead className={cn('[&_tr]:border-b', className)} {...props} />;
}

export function TableBody({ className, ...props }: React.ComponentProps<'tbody'>) {
  return <tbody className={cn('[&_tr:last-child]:border-0', className)} {...props} />;
}

export function TableFooter({ className, ...props }: React.ComponentProps<'tfoot'>) {
  return (
    <tfoot
      className={cn('bg-muted/50 border-t font-medium [&>tr]:last:border-b-0', className)}
      {...props}
    />
  );
}

export function TableRow({ className, ...props }: React.ComponentProps<'tr'>) {
  return (
    <tr
      className={cn(
        'hover:bg-muted/50 data-[state=selected]:bg-muted border-b transition-colors',
        className,
      )}
      {...props}
    />
  );
}

export function TableHead({ className, ...props }: React.ComponentProps<'th'>) {
  return (
    <th
      className={cn(
        'text-muted-foreground h-10 px-3 text-left align-middle text-xs font-medium tracking-wide whitespace-nowrap uppercase',
        className,
      )}
      {...props}
    />
  );
}

export function TableCell({ className, ...props }: React.ComponentProps<'td'>) {
  return <td className={cn('px-3 py-2.5 align-middle', className)} {...props} />;
}

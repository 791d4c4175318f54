import * as React from 'react';
import { cva, type VariantProps } from 'class-variance-authority';
import { CircleAlert, CircleCheck, Info, TriangleAlert, type LucideIcon } from 'lucide-react';
import { cn } from '@/lib/utils';

const alertVariants = cva('relative flex w-full gap-3 rounded-lg border px-4 py-3 text-sm', {
  variants: {
    variant: {
      info: 'border-primary/20 bg-info-subtle text-info-subtle-foreground',
      success: 'border-success/30 bg-success-subtle text-success-subtle-foreground',
      warning: 'border-warning/30 bg-warning-subtle text-warning-subtle-foreground',
      destructive: 'border-destructive/30 bg-destructive-subtle text-destructive-subtle-foreground',
    },
  },
  defaultVariants: { variant: 'info' },
});

const icons: Record<NonNullable<VariantProps<typeof alertVariants>['variant']>, LucideIcon> = {
  info: Info,
  success: CircleCheck,
  warning: TriangleAlert,
  destructive: CircleAlert,
};

interface AlertProps extends React.ComponentProps<'div'>, VariantProps<typeof alertVariants> {
  /** Hide the leading icon, e.g. for a compact banner. */
  hideIcon?: boolean;
}

/**
 * An inline message. Errors get role="alert" so they are announced when they appear; the others
 * are role="status" (polite). Pass `role` to override.
 */
export function Alert({ className, variant, hideIcon, children, role, ...props }: AlertProps) {
  const tone = variant ?? 'info';
  const Icon = icons[tone];
  return (
    <div
      role={role ?? (tone === 'destructive' ? 'alert' : 'status')}
      className={cn(alertVariants({ variant: tone }), className)}
      {...props}
    >
      {hideIcon ? null : <Icon aria-hidden="true" className="mt-0.5 size-4 shrink-0" />}
      <div className="flex min-w-0 flex-col gap-1">{children}</div>
    </div>
  );
}

export function AlertTitle({ className, ...props }: React.ComponentProps<'p'>) {
  return <p className={cn('leading-tight font-semibold', className)} {...props} />;
}

export function AlertDescription({ className, ...props }: React.ComponentProps<'div'>) {
  return (
    <div
      className={cn('leading-relaxed [&_a]:font-medium [&_a]:underline', className)}
      {...props}
    />
  );
}

import * as React from 'react';
import { cva, type VariantProps } from 'class-variance-authority';
import { cn } from '@/lib/utils';

const indicatorVariants = cva('h-full rounded-full transition-[width] duration-300', {
  variants: {
    variant: {
      default: 'bg-primary',
      success: 'bg-success',
      warning: 'bg-warning',
      danger: 'bg-destructive',
    },
  },
  defaultVariants: { variant: 'default' },
});

interface ProgressProps
  extends Omit<React.ComponentProps<'div'>, 'children'>, VariantProps<typeof indicatorVariants> {
  value: number;
  max?: number;
  /** Required for screen readers unless aria-labelledby is given. */
  label?: string;
  /** What a screen reader says instead of a bare percentage, e.g. "1,200 of 5,000 credits". */
  valueText?: string;
}

export function Progress({
  value,
  max = 100,
  label,
  valueText,
  variant,
  className,
  ...props
}: ProgressProps) {
  const safeMax = max > 0 ? max : 1;
  const clamped = Math.min(Math.max(value, 0), safeMax);
  const percent = (clamped / safeMax) * 100;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={safeMax}
      aria-valuenow={clamped}
      aria-valuetext={valueText}
      className={cn('bg-muted h-2 w-full overflow-hidden rounded-full', className)}
      {...props}
    >
      <div className={indicatorVariants({ variant })} style={{ width: `${percent}%` }} />
    </div>
  );
}

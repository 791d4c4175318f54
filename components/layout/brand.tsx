import { cn } from '@/lib/utils';

/** The Tollgate mark: a gate bar over a slot, drawn inline so it needs no image request. */
function BrandMark({ className }: { className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={cn(
        'bg-primary text-primary-foreground inline-flex size-7 items-center justify-center rounded-md',
        className,
      )}
    >
      <svg
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth="2.25"
        className="size-4"
      >
        <path d="M4 8h16" strokeLinecap="round" />
        <path d="M7 8v10M17 8v10" strokeLinecap="round" />
        <path d="M10.5 13h3" strokeLinecap="round" />
      </svg>
    </span>
  );
}

export function Brand({ className }: { className?: string }) {
  return (
    <span className={cn('inline-flex items-center gap-2 font-semibold tracking-tight', className)}>
      <BrandMark />
      <span>Tollgate</span>
    </span>
  );
}

import { cn } from '@/lib/utils';

/** A code sample that scrolls inside itself, never the page. */
export function CodeBlock({
  code,
  label,
  className,
}: {
  code: string;
  label?: string;
  className?: string;
}) {
  return (
    <figure className={cn('min-w-0', className)}>
      {label ? (
        <figcaption className="text-muted-foreground mb-1 text-xs font-medium">{label}</figcaption>
      ) : null}
      <pre
        tabIndex={0}
        className="bg-muted max-w-full overflow-x-auto rounded-md border p-3 text-xs leading-relaxed"
      >
        <code>{code}</code>
      </pre>
    </figure>
  );
}

/** Inline code that wraps anywhere, so long identifiers never widen the page. */
export function Code({ children }: { children: React.ReactNode }) {
  return <code className="bg-muted rounded px-1 py-0.5 text-[0.85em] break-words">{children}</code>;
}

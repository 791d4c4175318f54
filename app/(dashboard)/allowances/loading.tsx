import { Skeleton } from '@/components/ui/skeleton';

export default function TokensLoading() {
  return (
    <div className="flex flex-col gap-6" role="status">
      <span className="sr-only">Loading your allowances…</span>
      <div className="flex flex-col gap-2">
        <Skeleton className="h-8 w-40" />
        <Skeleton className="h-4 w-72 max-w-full" />
      </div>
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
        {Array.from({ length: 5 }, (_, index) => (
          <Skeleton key={index} className="h-40" />
        ))}
      </div>
    </div>
  );
}

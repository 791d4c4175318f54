import { Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="flex flex-col gap-6" role="status">
      <span className="sr-only">Loading the AI feature…</span>
      <Skeleton className="h-8 w-48" />
      <Skeleton className="h-9 w-full" />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <Skeleton className="h-80 w-full" />
        <Skeleton className="h-36 w-full" />
      </div>
    </div>
  );
}

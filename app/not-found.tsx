import Link from 'next/link';
import { Compass } from 'lucide-react';
import { buttonVariants } from '@/components/ui/button';
import { Brand } from '@/components/layout/brand';

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 px-4 py-16 text-center">
      <Link href="/" className="rounded-md">
        <Brand />
      </Link>
      <div className="bg-muted flex size-12 items-center justify-center rounded-full">
        <Compass aria-hidden="true" className="text-muted-foreground size-6" />
      </div>
      <div className="flex max-w-md flex-col gap-2">
        <p className="text-primary text-sm font-medium">404</p>
        <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
        <p className="text-muted-foreground">
          The page you asked for doesn&apos;t exist or has moved.
        </p>
      </div>
      <div className="flex flex-wrap justify-center gap-3">
        <Link href="/dashboard" className={buttonVariants()}>
          Go to dashboard
        </Link>
        <Link href="/" className={buttonVariants({ variant: 'outline' })}>
          Home
        </Link>
      </div>
    </main>
  );
}

import type * as React from 'react';
import Link from 'next/link';
import { Brand } from '@/components/layout/brand';

export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="bg-muted/40 flex min-h-dvh flex-col items-center px-4 py-10 sm:justify-center sm:py-16">
      <Link href="/" className="mb-8 rounded-md">
        <Brand className="text-lg" />
      </Link>
      <main className="w-full max-w-lg">{children}</main>
    </div>
  );
}

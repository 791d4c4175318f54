'use client';

import { useState, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';

/** Client-side state for the dashboard: one react-query cache per browser tab. */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            // Server-rendered first data is fresh; don't refetch it the moment the page hydrates.
            staleTime: 30_000,
            retry: (failureCount, error) =>
              failureCount < 2 &&
              !(error instanceof Error && 'status' in error && isClientError(error.status)),
          },
        },
      }),
  );
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}

// A 4xx will not get better by asking again.
function isClientError(status: unknown): boolean {
  return typeof status === 'number' && status >= 400 && status < 500;
}

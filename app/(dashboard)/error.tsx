'use client';

import { useEffect } from 'react';
import { RotateCcw } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/**
 * The dashboard's error boundary. It never shows the error's message (server errors may carry
 * internals); the digest is safe and lets support find the full error in the server logs.
 */
export default function DashboardError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  const digest =
    error instanceof Error && 'digest' in error && typeof error.digest === 'string'
      ? error.digest
      : undefined;

  return (
    <div className="mx-auto flex max-w-lg flex-col gap-4 py-10">
      <Alert variant="destructive">
        <AlertTitle>Something went wrong loading this page</AlertTitle>
        <AlertDescription>
          It may be a temporary problem. Try again, and if it keeps happening, contact support
          {digest ? (
            <>
              {' '}
              and mention reference <code className="font-mono text-xs">{digest}</code>
            </>
          ) : null}
          .
        </AlertDescription>
      </Alert>
      <div>
        <Button onClick={() => retry()}>
          <RotateCcw aria-hidden="true" />
          Try again
        </Button>
      </div>
    </div>
  );
}

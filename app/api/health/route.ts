import { AppError } from '@/lib/core';
import { route } from '@/lib/api';
import { pingDatabase } from '@/lib/db';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Liveness for load balancers and the e2e runner: is the database reachable? */
export const GET = route({ auth: 'optional' }, async () => {
  const started = performance.now();
  const reachable = await pingDatabase().catch(() => false);
  if (!reachable) {
    throw new AppError('unavailable', 'The database is not reachable.', {}, { 'Retry-After': '5' });
  }
  return {
    status: 'ok',
    database: 'reachable',
    latencyMs: Math.round(performance.now() - started),
  };
});

import 'server-only';
import { enqueue } from '@/lib/jobs';

/**
 * Hands a submitted batch to the background worker (the 'ai.batch' job runs processBatch),
 * now or after `startAfterSeconds`. Running a batch twice is harmless: processing is idempotent.
 */
export async function scheduleBatch(
  batchId: string,
  startAfterSeconds?: number,
): Promise<string | null> {
  return enqueue(
    'ai.batch',
    { batchId },
    { singletonKey: `ai.batch:${batchId}`, startAfter: startAfterSeconds },
  );
}

import { Badge } from '@/components/ui/badge';
import type { BatchItemStatus, BatchStatus } from './batch-api';

const VARIANTS = {
  queued: 'secondary',
  pending: 'secondary',
  running: 'info',
  completed: 'success',
  done: 'success',
  cancelled: 'outline',
  failed: 'destructive',
} as const;

/** A batch's or an item's status as a small badge. */
export function BatchStatusBadge({ status }: { status: BatchStatus | BatchItemStatus }) {
  return <Badge variant={VARIANTS[status]}>{status}</Badge>;
}

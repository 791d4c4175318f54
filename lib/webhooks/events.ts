import { z } from 'zod';

/**
 * The event types an endpoint may subscribe to ('*' = all of them). Safe for client components:
 * the settings page renders its checkboxes from this list.
 */
export const WEBHOOK_EVENT_TYPES = [
  'balance.low',
  'balance.threshold',
  'balance.runout',
  'allowance.threshold',
  'credits.purchased',
  'credits.refunded',
  'usage.limit_reached',
  'usage.spike',
  'spend.refused',
  'key.expiring',
  'auto_recharge.failed',
] as const;

/** What an endpoint subscribes to: named types, or '*' for every type (now and future). */
export const webhookSubscription = z.enum(['*', ...WEBHOOK_EVENT_TYPES]);

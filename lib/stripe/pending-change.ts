import 'server-only';
import { asService } from '@/lib/db';

/**
 * Records on the subscription mirror the plan change it makes at its period end (null: none), once
 * Stripe holds it in a subscription schedule or, in local mode, for the local renewal to apply.
 */
export async function setPendingChange(
  subscriptionId: string,
  change: { planId: string; interval: 'month' | 'year'; scheduleId: string | null } | null,
): Promise<void> {
  await asService(
    (tx) => tx`
      select public.billing_change_pending(${subscriptionId}, ${change?.planId ?? null},
        ${change?.interval ?? null}, ${change?.scheduleId ?? null})`,
  );
}

/** What billing_change_begin returns: the live subscription, both prices, the change's direction. */
export interface ChangeRow {
  subscription_id: string;
  provider: 'stripe' | 'local';
  customer_id: string;
  change: 'upgrade' | 'downgrade' | 'keep' | 'none';
  plan_name: string | null;
  currency: string | null;
  amount: bigint | null;
  stripe_price_id: string | null;
  current_plan_id: string;
  current_interval: 'month' | 'year';
  current_amount: bigint | null;
  period_start: Date;
  period_end: Date;
  cancel_at_period_end: boolean;
  schedule_id: string | null;
  pending_plan_id: string | null;
  pending_interval: 'month' | 'year' | null;
}

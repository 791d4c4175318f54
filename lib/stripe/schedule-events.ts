import 'server-only';
import { asService } from '@/lib/db';
import type { EventRef } from './fulfilment';
import { planOfPrice, type PricePlan } from './plan-of-price';
import { scheduleObject, type ScheduleObject } from './schemas';

/**
 * The subscription_schedule.* events. A schedule carries the change a subscription makes at a
 * phase start — ours for a downgrade, or one made or edited in the Stripe Dashboard — so the
 * mirror shows its next phase as the pending change, and forgets it when the schedule is
 * released, canceled, completed or aborted. One service-only SQL function (billing_schedule_sync)
 * locks the subject, records the event id and orders the events, so replays, parallel and late
 * deliveries settle on one state. This is the mirror only: the plan changes when the renewal
 * invoice is paid.
 */

/** Events that describe a schedule as it is; the others end it. */
const liveEvents = new Set(['subscription_schedule.created', 'subscription_schedule.updated']);

type Phase = ScheduleObject['phases'][number];

/** The phase after the current one (phases are in order; none when the schedule is not live). */
function nextPhase(schedule: ScheduleObject): Phase | null {
  const current = schedule.current_phase;
  if (!current) return null;
  return (
    schedule.phases
      .filter((phase) => phase.start_date > current.start_date)
      .sort((a, b) => a.start_date - b.start_date)[0] ?? null
  );
}

/**
 * The plan a phase switches to: the first of its items' prices that names a plan (a phase may
 * also carry the metered pay-as-you-go price). Null with the first price when none does.
 */
async function phasePlan(
  phase: Phase,
): Promise<{ priceId: string | null; plan: PricePlan | null }> {
  for (const item of phase.items) {
    const plan = await planOfPrice(item.price);
    if (plan?.interval) return { priceId: item.price, plan };
  }
  return { priceId: phase.items[0]?.price ?? null, plan: null };
}

/** Mirrors one subscription_schedule.* event; returns what billing_schedule_sync did. */
export async function syncSchedule(
  event: EventRef,
  object: Record<string, unknown>,
): Promise<string> {
  const schedule = scheduleObject.parse(object);
  const ended =
    !liveEvents.has(event.type) || ['completed', 'released', 'canceled'].includes(schedule.status);
  const next = ended ? null : nextPhase(schedule);
  const { priceId, plan } = next ? await phasePlan(next) : { priceId: null, plan: null };
  const created = event.created ?? Math.floor(Date.now() / 1000);
  const [row] = await asService(
    (tx) => tx<{ outcome: string }[]>`
      select public.billing_schedule_sync(${event.id}, ${event.type}, ${new Date(created * 1000)},
        ${schedule.id}, ${schedule.subscription ?? schedule.released_subscription ?? null}, ${ended},
        ${priceId}, ${plan?.planId ?? null}, ${plan?.interval ?? null},
        ${next ? new Date(next.start_date * 1000) : null}) as outcome`,
  );
  return row!.outcome;
}

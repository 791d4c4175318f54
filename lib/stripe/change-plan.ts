import 'server-only';
import Stripe from 'stripe';
import { AppError, one } from '@/lib/core';
import type { Session } from '@/lib/auth';
import { resolveWallet, type WalletRef } from '@/lib/credits';
import { withUser } from '@/lib/db';
import { billingMode } from './client';
import {
  addInterval,
  deliverLocalEvent,
  invoicePayload,
  loadLocalSubscription,
  subscriptionPayload,
} from './local-subscription';
import { setPendingChange, type ChangeRow } from './pending-change';
import { runLocalPortalAction } from './portal';
import { prorate, type Proration } from './proration';
import {
  applyStripeUpgrade,
  keepStripePlan,
  previewStripeUpgrade,
  scheduleStripeDowngrade,
  setStripeCancellation,
} from './stripe-plan-change';
import type { BillingInterval } from './subscribe';

/**
 * Changing the plan of a live subscription, for a user or an org (owners and admins; a plain
 * member gets 403 and nothing is sent or written). An upgrade — a higher plan, or the same plan
 * yearly — applies at once with proration; a downgrade waits for the period end; choosing the
 * current plan calls off a scheduled change. A preview answers what the change would cost without
 * making it. Entitlements follow only from the webhook events the change causes (Stripe's, or the
 * signed local ones), so local mode and production share one fulfilment path.
 */

export type PlanChangeKind = 'upgrade' | 'downgrade' | 'keep';

export interface PlanChangeQuote {
  change: PlanChangeKind;
  planId: string;
  planName: string;
  interval: BillingInterval;
  currency: string;
  /** Upgrades: what the proration invoice collects now (minor units); null otherwise. */
  amountDueNow: number | null;
  /** When the change takes effect. */
  effectiveAt: Date;
  nextInvoiceAt: Date;
  /** Minor units. */
  nextInvoiceAmount: number;
  /** Seconds: the proration date of an upgrade; send it back to be charged what was previewed. */
  prorationDate: number | null;
  /** False for a preview. */
  applied: boolean;
}

/** How old a previewed proration date may be when the upgrade is confirmed. */
const PREVIEW_VALID_SECONDS = 15 * 60;

function requireBilling() {
  const mode = billingMode();
  if (mode === 'disabled') {
    throw new AppError('unavailable', 'Subscriptions are not available: Stripe is not configured.');
  }
  return mode;
}

async function beginChange(
  session: Session,
  accountId: string,
  planId: string | null,
  interval: BillingInterval | null,
): Promise<ChangeRow> {
  const row = one(
    await withUser(
      session,
      (tx) => tx<ChangeRow[]>`
        select * from public.billing_change_begin(${accountId}, ${planId}, ${interval})`,
    ),
    'result of billing_change_begin',
  );
  if (row.provider !== (billingMode() === 'local' ? 'local' : 'stripe')) {
    throw new AppError(
      'conflict',
      'This subscription is managed elsewhere: test subscriptions change only in local mode.',
    );
  }
  return row;
}

/** Stripe unreachable is a 503 with nothing changed; our own refusals pass through. */
async function viaStripe<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) {
      throw new AppError(
        'unavailable',
        'Stripe could not be reached. Nothing was changed; try again.',
      );
    }
    throw error;
  }
}

function prorationDate(given: number | undefined, now: number, row: ChangeRow): number {
  if (given === undefined) return now;
  const start = Math.floor(row.period_start.getTime() / 1000);
  if (given > now || given < now - PREVIEW_VALID_SECONDS || given < start) {
    throw new AppError('validation_failed', 'The preview has expired: preview the change again.', {
      field: 'prorationDate',
    });
  }
  return given;
}

function localProration(row: ChangeRow, at: number, interval: BillingInterval): Proration {
  return prorate({
    oldAmount: row.current_amount ?? 0n,
    newAmount: row.amount ?? 0n,
    periodStart: Math.floor(row.period_start.getTime() / 1000),
    periodEnd: Math.floor(row.period_end.getTime() / 1000),
    at,
    newPeriodEnd: interval !== row.current_interval ? addInterval(at, interval) : null,
  });
}

/** Local mode's upgrade: the events Stripe would send — the updated subscription, the paid proration invoice. */
async function applyLocalUpgrade(
  session: Session,
  accountId: string,
  target: { planId: string; interval: BillingInterval; amount: number },
  proration: Proration,
  at: number,
) {
  const { state, pending } = await loadLocalSubscription(session, accountId);
  if (pending) await setPendingChange(state.id, null);
  const next = {
    ...state,
    ...target,
    cancelAtPeriodEnd: false,
    periodStart: proration.periodStart,
    periodEnd: proration.periodEnd,
  };
  await deliverLocalEvent('customer.subscription.updated', subscriptionPayload(next));
  await deliverLocalEvent(
    'invoice.paid',
    invoicePayload(next, 'subscription_update', 'paid', {
      amount: Number(proration.amountDue),
      start: at,
      end: proration.periodEnd,
    }),
  );
}

export async function changeSubscriptionPlan(
  session: Session,
  input: {
    wallet: WalletRef;
    planId: string;
    interval: BillingInterval;
    preview: boolean;
    prorationDate?: number;
  },
): Promise<PlanChangeQuote> {
  const mode = requireBilling();
  const accountId = await resolveWallet(session, input.wallet);
  const row = await beginChange(session, accountId, input.planId, input.interval);
  const change = row.change as PlanChangeKind;
  const now = Math.floor(Date.now() / 1000);
  const amount = Number(row.amount ?? 0);
  const target = { accountId, planId: input.planId, interval: input.interval };
  const quote: PlanChangeQuote = {
    change,
    planId: input.planId,
    planName: row.plan_name ?? input.planId,
    interval: input.interval,
    currency: row.currency ?? 'usd',
    amountDueNow: null,
    effectiveAt: change === 'downgrade' ? row.period_end : new Date(now * 1000),
    nextInvoiceAt: row.period_end,
    nextInvoiceAmount: change === 'keep' ? Number(row.current_amount ?? 0) : amount,
    prorationDate: null,
    applied: !input.preview,
  };
  if (change === 'upgrade') {
    const at = prorationDate(input.prorationDate, now, row);
    const proration = localProration(row, at, input.interval);
    const due =
      mode === 'local' ? proration.amountDue : await viaStripe(() => previewStripeUpgrade(row, at));
    Object.assign(quote, {
      amountDueNow: Number(due),
      effectiveAt: new Date(at * 1000),
      nextInvoiceAt: new Date(proration.periodEnd * 1000),
      prorationDate: at,
    });
    if (!input.preview) {
      if (mode === 'local') {
        await applyLocalUpgrade(session, accountId, { ...target, amount }, proration, at);
      } else {
        await viaStripe(() => applyStripeUpgrade(row, target, at));
      }
    }
  } else if (!input.preview) {
    if (change === 'downgrade') {
      if (mode === 'local') {
        if (row.cancel_at_period_end) await runLocalPortalAction(session, accountId, 'resume');
        await setPendingChange(row.subscription_id, { ...target, scheduleId: null });
      } else {
        await viaStripe(() => scheduleStripeDowngrade(row, target));
      }
    } else if (row.pending_plan_id) {
      if (mode === 'local') await setPendingChange(row.subscription_id, null);
      else await viaStripe(() => keepStripePlan(row));
    }
  }
  return quote;
}

/**
 * Cancels at the period end (true) or resumes a scheduled cancellation (false); either way a
 * scheduled plan change is called off. The mirror follows from the subscription event.
 */
export async function setSubscriptionCancellation(
  session: Session,
  wallet: WalletRef,
  cancel: boolean,
): Promise<{ cancelAtPeriodEnd: boolean; periodEnd: Date }> {
  const mode = requireBilling();
  const accountId = await resolveWallet(session, wallet);
  const row = await beginChange(session, accountId, null, null);
  if (mode === 'local')
    await runLocalPortalAction(session, accountId, cancel ? 'cancel' : 'resume');
  else await viaStripe(() => setStripeCancellation(row, cancel));
  return { cancelAtPeriodEnd: cancel, periodEnd: row.period_end };
}

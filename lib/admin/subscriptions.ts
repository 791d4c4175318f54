import 'server-only';
import { AppError } from '@/lib/core';
import { asService, type DbSession } from '@/lib/db';
import { isPlatformAdmin } from './guard';

/**
 * The platform's subscriptions for platform admins: every Stripe (or local test) subscription
 * the webhook mirrors, with its subject, plan, status and period; monthly recurring revenue in
 * total and per plan; and the past-due list. A platform-wide read through the service role, so
 * the caller is checked first (403 for anyone else).
 */

export interface AdminSubscription {
  id: string;
  provider: 'stripe' | 'local';
  subjectKind: 'user' | 'org';
  subjectId: string;
  /** An email for a user, the org's name for an org. */
  subjectName: string;
  /** The org's slug, or the user's full name when set. */
  subjectDetail: string | null;
  planId: string;
  planName: string;
  status: string;
  interval: 'month' | 'year';
  periodStart: Date;
  periodEnd: Date;
  cancelAtPeriodEnd: boolean;
  pastDueSince: Date | null;
  /** When the plan falls back to free unless a payment arrives (paid period end + grace). */
  graceEndsAt: Date | null;
  currency: string | null;
  /** Minor units a month this subscription brings (yearly / 12, rounded); 0 when it does not count. */
  mrr: bigint;
}

export interface PlanMrr {
  planId: string;
  planName: string;
  currency: string;
  subscriptions: number;
  mrr: bigint;
}

export interface SubscriptionsOverview {
  subscriptions: AdminSubscription[];
  /** MRR per currency (minor units): active and past-due subscriptions. */
  totals: { currency: string; mrr: bigint; subscriptions: number }[];
  perPlan: PlanMrr[];
  pastDue: AdminSubscription[];
}

/** Statuses that bring revenue: a trial has not paid yet, a past-due one still owes its invoice. */
const PAYING = new Set(['active', 'past_due']);

interface Row {
  id: string;
  provider: 'stripe' | 'local';
  subject_kind: 'user' | 'org';
  subject_id: string;
  subject_name: string | null;
  subject_detail: string | null;
  plan_id: string;
  plan_name: string;
  status: string;
  billing_interval: 'month' | 'year';
  current_period_start: Date;
  current_period_end: Date;
  cancel_at_period_end: boolean;
  past_due_since: Date | null;
  grace_ends_at: Date | null;
  currency: string | null;
  monthly_value: bigint | null;
}

export async function getSubscriptionsOverview(session: DbSession): Promise<SubscriptionsOverview> {
  if (!(await isPlatformAdmin(session))) {
    throw new AppError('forbidden', 'Only platform admins see the subscriptions.');
  }
  const rows = await asService(
    (tx) => tx<Row[]>`
      select m.id, m.provider, m.subject_kind, m.subject_id,
             coalesce(o.name, p.email) as subject_name,
             coalesce(o.slug, nullif(p.full_name, '')) as subject_detail,
             m.plan_id, pl.name as plan_name, m.status, m.billing_interval,
             m.current_period_start, m.current_period_end, m.cancel_at_period_end, m.past_due_since,
             s.billed_until as grace_ends_at, b.currency,
             -- Yearly prices count a twelfth a month, rounded to the minor unit.
             case m.billing_interval
               when 'year' then round(b.yearly_amount::numeric / 12)::bigint
               else b.monthly_amount
             end as monthly_value
      from public.billing_subscriptions m
      join public.plans pl on pl.id = m.plan_id
      left join public.plan_billing b on b.plan_id = m.plan_id
      left join public.profiles p on m.subject_kind = 'user' and p.id = m.subject_id
      left join public.organizations o on m.subject_kind = 'org' and o.id = m.subject_id
      left join public.subscriptions s on s.subject_kind = m.subject_kind and s.subject_id = m.subject_id
      order by case m.status when 'past_due' then 0 when 'active' then 1 when 'trialing' then 2 else 3 end,
               m.current_period_end, m.id
      limit 2000`,
  );
  const subscriptions = rows.map((row): AdminSubscription => ({
    id: row.id,
    provider: row.provider,
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    subjectName: row.subject_name ?? row.subject_id,
    subjectDetail: row.subject_detail,
    planId: row.plan_id,
    planName: row.plan_name,
    status: row.status,
    interval: row.billing_interval,
    periodStart: row.current_period_start,
    periodEnd: row.current_period_end,
    cancelAtPeriodEnd: row.cancel_at_period_end,
    pastDueSince: row.past_due_since,
    graceEndsAt: row.status === 'past_due' ? row.grace_ends_at : null,
    currency: row.currency,
    mrr: PAYING.has(row.status) ? (row.monthly_value ?? 0n) : 0n,
  }));

  const totals = new Map<string, { currency: string; mrr: bigint; subscriptions: number }>();
  const perPlan = new Map<string, PlanMrr>();
  for (const sub of subscriptions) {
    if (!PAYING.has(sub.status) || !sub.currency) continue;
    const total = totals.get(sub.currency) ?? { currency: sub.currency, mrr: 0n, subscriptions: 0 };
    total.mrr += sub.mrr;
    total.subscriptions += 1;
    totals.set(sub.currency, total);
    const key = `${sub.planId}:${sub.currency}`;
    const plan = perPlan.get(key) ?? {
      planId: sub.planId,
      planName: sub.planName,
      currency: sub.currency,
      subscriptions: 0,
      mrr: 0n,
    };
    plan.mrr += sub.mrr;
    plan.subscriptions += 1;
    perPlan.set(key, plan);
  }
  return {
    subscriptions,
    totals: [...totals.values()],
    perPlan: [...perPlan.values()].sort((a, b) => (b.mrr > a.mrr ? 1 : b.mrr < a.mrr ? -1 : 0)),
    pastDue: subscriptions.filter((sub) => sub.status === 'past_due'),
  };
}

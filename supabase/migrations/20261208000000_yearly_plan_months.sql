-- A yearly plan is lived month by month: each calendar month of a paid year opens with the plan's
-- monthly credits and refreshed allowances (and the rollover between months), instead of one
-- grant and one refresh for the whole year. A term that restarts mid-period (monthly to yearly)
-- ends the old period's plan credits, which Stripe credits back as unused time.

alter table public.subscriptions add column paid_through timestamptz;
comment on column public.subscriptions.paid_through is
  'End of the paid term (a month or a year) without grace; the plan period is the month inside it.';

-- Paid subjects: the term their last paid invoice (or trial) paid for.
update public.subscriptions s
set paid_through = least(s.billed_until, coalesce(
  (select max(i.period_end) from public.billing_invoices i
   where i.status = 'paid' and i.account_id = private.subject_wallet(s.subject_kind, s.subject_id)),
  s.current_period_end))
where s.billed_until is not null;

drop function private.open_plan_period(public.subscriptions, text, timestamptz, timestamptz, text);
drop function private.roll_over_plan_credits(public.subscriptions, uuid, text, timestamptz, timestamptz);

/*
 * The calendar month (UTC, counted from anchor, as Stripe counts billing months: Jan 31 → Feb 28
 * → Mar 31) of a paid term that contains at, cut at the term's end. A yearly plan's year is
 * twelve of them, each with its own plan credits and allowances.
 */
create or replace function private.month_bounds(
  anchor timestamptz, at timestamptz, term_end timestamptz, out period_start timestamptz,
  out period_end timestamptz
)
language plpgsql immutable parallel safe set search_path = ''
as $$
declare
  origin timestamp := anchor at time zone 'UTC';
  span interval := age(at at time zone 'UTC', origin);
  months integer := greatest(0, (extract(year from span) * 12 + extract(month from span))::integer);
begin
  -- age() borrows at month ends; step to the month that really holds at.
  while months > 0 and (origin + make_interval(months => months)) at time zone 'UTC' > at loop
    months := months - 1;
  end loop;
  while (origin + make_interval(months => months + 1)) at time zone 'UTC' <= at loop
    months := months + 1;
  end loop;
  period_start := (origin + make_interval(months => months)) at time zone 'UTC';
  period_end := least((origin + make_interval(months => months + 1)) at time zone 'UTC', term_end);
end
$$;
comment on function private.month_bounds(timestamptz, timestamptz, timestamptz) is
  'The calendar month (UTC, from anchor) of a paid term that contains at, ending no later than the term.';

/*
 * The plan in force for a subject at a moment, without writing: a downgrade whose time has come
 * counts as applied. A subject without a row (not expected: a trigger creates one) is on the
 * default plan. PL/pgSQL rather than SQL so its plans are cached: it is on every hot path.
 */
create or replace function private.subject_plan(
  kind text, subject uuid, at timestamptz,
  out subscription_id uuid, out plan_id text, out pending_plan_id text, out pending_at timestamptz,
  out anchor_at timestamptz, out period_start timestamptz, out period_end timestamptz
)
language plpgsql stable security definer set search_path = ''
as $$
declare
  sub public.subscriptions;
  bounds record;
begin
  select * into sub from public.subscriptions s where s.subject_kind = kind and s.subject_id = subject;
  if not found then
    plan_id := (select p.id from public.plans p where p.is_default);
    anchor_at := at;
    period_start := at;
    period_end := at + interval '30 days';
    return;
  end if;
  subscription_id := sub.id;
  anchor_at := sub.anchor_at;
  -- As sync_subscription would settle it: a paid term's month, its grace, or the 30-day clock.
  if sub.billed_until > at and sub.current_period_end > at then
    period_start := sub.current_period_start;
    period_end := sub.current_period_end;
  elsif sub.billed_until > at and at < sub.paid_through then
    bounds := private.month_bounds(sub.anchor_at, at, sub.paid_through);
    period_start := bounds.period_start;
    period_end := bounds.period_end;
  elsif sub.billed_until > at then
    period_start := sub.current_period_start;
    period_end := sub.billed_until;
  elsif sub.billed_until is not null then
    plan_id := (select p.id from public.plans p where p.is_default);
    anchor_at := at;
    period_start := at;
    period_end := at + interval '30 days';
    return;
  else
    bounds := private.period_bounds(sub.anchor_at, at);
    period_start := bounds.period_start;
    period_end := bounds.period_end;
  end if;
  if sub.pending_at <= at then
    plan_id := sub.pending_plan_id;
  else
    plan_id := sub.plan_id;
    pending_plan_id := sub.pending_plan_id;
    pending_at := sub.pending_at;
  end if;
end
$$;
comment on function private.subject_plan(text, uuid, timestamptz) is
  'The effective plan and period of a subject at a moment, as the next sync would settle it (read-only).';

/*
 * Settles a subject's subscription for the current period: applies a downgrade that has come
 * due and grants the period's credits, once. Cheap when nothing is due (one indexed read);
 * otherwise serialised on the subscription row. Periods only move forward.
 */
create or replace function private.sync_subscription(kind text, subject uuid) returns public.subscriptions
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  sub public.subscriptions;
  bounds record;
  plan public.plans;
begin
  select * into sub from public.subscriptions s where s.subject_kind = kind and s.subject_id = subject;
  if found and sub.current_period_end > at then
    return sub;
  end if;
  if not found then
    insert into public.subscriptions (subject_kind, subject_id, plan_id, anchor_at, current_period_start,
                                      current_period_end)
    select kind, subject, p.id, at, at - interval '30 days', at from public.plans p where p.is_default
    on conflict on constraint subscriptions_subject do nothing;
  end if;
  select * into sub from public.subscriptions s
  where s.subject_kind = kind and s.subject_id = subject for no key update;
  if not found then
    perform private.fail('TG404', 'No plan is available for this subject.', jsonb_build_object('subjectId', subject));
  end if;
  if sub.billed_until > at then
    -- A paid subscription's terms come from its paid invoices (billing.sql).
    if sub.current_period_end > at then
      return sub; -- settled meanwhile by a concurrent caller
    elsif at < sub.paid_through then
      -- Inside a paid term longer than a month (a yearly plan): its next month opens with the
      -- month's plan credits (keyed by period, so once) and a rollover from the month that ended.
      bounds := private.month_bounds(sub.anchor_at, at, sub.paid_through);
      select * into plan from public.plans p where p.id = sub.plan_id;
      if bounds.period_start = sub.current_period_end then
        perform private.roll_over_plan_credits(sub, private.subject_wallet(kind, subject),
          format('%s:%s', sub.id, extract(epoch from bounds.period_start)::bigint),
          bounds.period_start, bounds.period_end);
      end if;
      perform private.grant_plan_credits(sub, plan.monthly_credit_grant, plan.monthly_credit_grant,
                                         bounds.period_start, bounds.period_end, plan.name);
      update public.subscriptions s
      set current_period_start = bounds.period_start, current_period_end = bounds.period_end,
          period_credits_granted = plan.monthly_credit_grant
      where s.id = sub.id
      returning * into sub;
    else
      -- The paid term is over and its renewal not yet paid: until it is, or the grace days run
      -- out, the current period and its allowances stay open.
      update public.token_balances b set refresh_at = sub.billed_until
      where b.subject_kind = kind and b.subject_id = subject and b.refresh_at = sub.current_period_end;
      update public.subscriptions s set current_period_end = sub.billed_until where s.id = sub.id
      returning * into sub;
    end if;
    return sub;
  elsif sub.billed_until is not null then
    -- Unpaid past the grace days: the default plan, on the 30-day clock from now.
    sub.plan_id := (select p.id from public.plans p where p.is_default);
    sub.pending_plan_id := null;
    sub.pending_at := null;
    sub.anchor_at := at;
    sub.billed_until := null;
  end if;
  bounds := private.period_bounds(sub.anchor_at, at);
  if bounds.period_start <= sub.current_period_start then
    return sub; -- settled meanwhile by a concurrent caller
  end if;
  if sub.pending_at <= at then
    sub.plan_id := sub.pending_plan_id;
    sub.pending_plan_id := null;
    sub.pending_at := null;
  end if;
  select * into plan from public.plans p where p.id = sub.plan_id;
  perform private.grant_plan_credits(sub, plan.monthly_credit_grant, plan.monthly_credit_grant,
                                     bounds.period_start, bounds.period_end, plan.name);
  update public.subscriptions s
  set plan_id = sub.plan_id, pending_plan_id = sub.pending_plan_id, pending_at = sub.pending_at,
      anchor_at = sub.anchor_at, billed_until = sub.billed_until,
      current_period_start = bounds.period_start, current_period_end = bounds.period_end,
      period_credits_granted = plan.monthly_credit_grant
  where s.id = sub.id
  returning * into sub;
  return sub;
end
$$;
comment on function private.sync_subscription(text, uuid) is
  'Settles the current period of a subject (due downgrade, monthly credit grant) exactly once.';

/*
 * Moves the subject back to the default plan on the 30-day clock from now (a subscription that
 * ended, or whose grace ran out). The current plan lot keeps its own expiry.
 */
create or replace function private.end_paid_plan(sub public.subscriptions) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
begin
  update public.subscriptions s
  set plan_id = (select p.id from public.plans p where p.is_default), pending_plan_id = null, pending_at = null,
      billed_until = null, paid_through = null, anchor_at = at, current_period_start = at - interval '30 days',
      current_period_end = at, period_credits_granted = 0
  where s.id = sub.id;
  perform private.sync_subscription(sub.subject_kind, sub.subject_id);
end
$$;
comment on function private.end_paid_plan(public.subscriptions) is
  'Back to the default plan from now (its first period is granted at once).';

/*
 * Opens the paid term [term_start, term_end) for a subject: the plan, and the term's first month
 * as the plan period (the whole term when it is a month or less) with the plan's credits as a
 * lot expiring at the month's end (keyed by `grant_key`, so once) and the allowances refreshed at
 * the next use; sync_subscription opens the term's later months. A term that starts before the
 * current one ends (monthly to yearly, a trial ended early) ends that period's plan credits now:
 * Stripe credits its unused time. A later term never moves back.
 */
create or replace function private.open_plan_period(
  sub public.subscriptions, plan_id text, term_start timestamptz, term_end timestamptz, grant_key text
) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  plan public.plans;
  grace smallint;
  wallet uuid;
  month record;
  lot bigint;
begin
  select * into plan from public.plans p where p.id = plan_id;
  select coalesce(b.grace_days, 0) into grace from public.plan_billing b where b.plan_id = plan.id;
  if term_end <= at then
    return null; -- a term already over (a late replay of an old invoice): nothing to open
  end if;
  wallet := private.subject_wallet(sub.subject_kind, sub.subject_id);
  month := private.month_bounds(term_start, greatest(at, term_start), term_end);
  if sub.billed_until is not null and term_start < sub.current_period_start then
    -- An older term delivered late: its month's credits, but the plan period stays where it is.
    if plan.monthly_credit_grant > 0 then
      select g.lot_id into lot from public.credit_grant(wallet, plan.monthly_credit_grant, 'plan', grant_key,
        month.period_end, null, plan.name || ' plan credits',
        jsonb_build_object('subscriptionId', sub.id, 'periodStart', month.period_start), 'subscription') g;
    end if;
    return lot;
  end if;
  if sub.billed_until is not null and term_start < sub.current_period_end then
    perform private.end_period_plan_lots(wallet, sub.current_period_end);
  end if;
  if plan.monthly_credit_grant > 0 then
    select g.lot_id into lot from public.credit_grant(wallet, plan.monthly_credit_grant, 'plan', grant_key,
      month.period_end, null, plan.name || ' plan credits',
      jsonb_build_object('subscriptionId', sub.id, 'periodStart', month.period_start), 'subscription') g;
  end if;
  update public.subscriptions s
  set plan_id = plan.id, pending_plan_id = null, pending_at = null, anchor_at = term_start,
      current_period_start = month.period_start, current_period_end = month.period_end,
      period_credits_granted = plan.monthly_credit_grant, paid_through = term_end,
      billed_until = term_end + make_interval(days => coalesce(grace, 0))
  where s.id = sub.id;
  -- Every allowance refreshes at its next use, into the new plan and period.
  update public.token_balances b
  set period_start = least(b.period_start, at - interval '1 second'), refresh_at = at
  where b.subject_kind = sub.subject_kind and b.subject_id = sub.subject_id and b.refresh_at > at;
  return lot;
end
$$;
comment on function private.open_plan_period(public.subscriptions, text, timestamptz, timestamptz, text) is
  'Opens a paid term: plan, its first month as the plan period, plan credit lot (once per key), allowance refresh.';

/*
 * Ends the plan credits issued for the period ending at `period_end` (its grant and any upgrade
 * top-up) now, through the usual sweep, and returns those lots. Caller holds the subject lock.
 */
create or replace function private.end_period_plan_lots(account uuid, period_end timestamptz) returns bigint[]
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  ending bigint[];
begin
  perform private.settle_wallet(account);
  select coalesce(array_agg(l.id order by l.id), '{}') into ending
  from public.lots l join public.transfers t on t.id = l.origin_transfer_id
  where l.account_id = account and l.source = 'plan' and l.expires_at = period_end
    and t.debit_account_id = private.system_account('issuance:plan');
  if exists (select 1 from public.lots l where l.id = any (ending) and l.expired_at is null and l.remaining > 0) then
    update public.lots l set expires_at = at where l.id = any (ending) and l.expired_at is null;
    update public.accounts a set next_expiry_at = least(a.next_expiry_at, at) where a.id = account;
    perform private.sweep_account(account, at);
  end if;
  return ending;
end
$$;
comment on function private.end_period_plan_lots(uuid, timestamptz) is
  'Ends now the plan lots issued for the period ending at period_end; returns them.';

/*
 * Rollover at renewal, and between the months of a yearly term: the unused remainder of the
 * ending period's plan credits expires as always, and up to the ending plan's rollover cap of it
 * comes back from `expired`, by one transfer keyed `rollover:<period key>` (`invoice:<id>`, or
 * the subscription and month), as a plan lot expiring at the end of the new period. Caller holds
 * the subject lock.
 */
create or replace function private.roll_over_plan_credits(
  sub public.subscriptions, account uuid, period_key text, period_start timestamptz, period_end timestamptz
) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  at timestamptz := private.clock();
  cap bigint;
  ending bigint[];
  expired bigint;
  moved bigint;
  transfer bigint;
begin
  select coalesce(b.rollover_cap, 0) into cap from public.plan_billing b where b.plan_id = sub.plan_id;
  if coalesce(cap, 0) = 0 or sub.billed_until is null or sub.current_period_end is null
     or period_start < sub.current_period_end or period_end <= at then
    return null;
  end if;
  ending := private.end_period_plan_lots(account, sub.current_period_end);
  if cardinality(ending) = 0 then
    return null;
  end if;
  select coalesce(sum(b.amount), 0) into expired
  from public.lot_burns b join public.transfers t on t.id = b.transfer_id
  where b.lot_id = any (ending) and t.kind = 'expire';
  moved := least(expired, cap);
  if moved <= 0 then
    return null;
  end if;
  insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category, description,
                                metadata, key_account_id, idempotency_key)
  values (private.system_account('expired'), account, moved, 'grant', 'subscription', 'Rolled-over plan credits',
          jsonb_build_object('rollover', true, 'fromLots', to_jsonb(ending), 'period', period_key,
                             'subscriptionId', sub.id),
          account, 'rollover:' || period_key)
  returning id into transfer;
  return private.add_lot(account, moved, 'plan', private.default_priority('plan'), period_end, transfer);
end
$$;
comment on function private.roll_over_plan_credits(public.subscriptions, uuid, text, timestamptz, timestamptz) is
  'At a new period: up to the plan''s rollover cap of the ending plan lots'' unused credits, as a lot to its end.';

/*
 * invoice.paid: records the invoice and opens the plan period it paid for, exactly once per
 * invoice. A payment after a failure clears past_due and restores the plan.
 */
create or replace function public.billing_invoice_paid(
  p_event_id text, p_event_type text, p_invoice_id text, p_subscription_id text, p_account uuid,
  p_customer_id text, p_plan_id text, p_billing_reason text, p_period_start timestamptz,
  p_period_end timestamptz, p_amount_paid bigint, p_tax bigint, p_currency text, p_hosted_invoice_url text,
  p_invoice_pdf text
) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  account uuid;
  sub public.subscriptions;
  invoice public.billing_invoices;
  lot bigint;
  rollover bigint;
begin
  perform private.assert_service();
  account := private.billing_account(p_account, p_customer_id);
  if account is null then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null, 'No wallet matches this customer.');
    return 'unknown';
  end if;
  sub := private.lock_billing_subject(account);
  if not private.record_event(p_event_id, p_event_type, 'processed', null) then
    return 'replayed';
  end if;
  if not exists (select 1 from public.plans p where p.id = p_plan_id) then
    perform private.fail('TG422', 'The invoice names no known plan.', jsonb_build_object('planId', p_plan_id));
  end if;
  insert into public.billing_invoices as i (id, account_id, subscription_id, plan_id, status, billing_reason,
    amount_paid, tax, currency, period_start, period_end, hosted_invoice_url, invoice_pdf)
  values (p_invoice_id, account,
          (select m.id from public.billing_subscriptions m where m.id = p_subscription_id), p_plan_id, 'open',
          left(p_billing_reason, 60), coalesce(p_amount_paid, 0), coalesce(p_tax, 0), lower(p_currency),
          p_period_start, p_period_end, p_hosted_invoice_url, p_invoice_pdf)
  on conflict (id) do nothing;
  select * into invoice from public.billing_invoices i where i.id = p_invoice_id;
  if invoice.status = 'paid' then
    return 'replayed'; -- another event already opened this invoice's period
  end if;
  if p_billing_reason = 'subscription_update' and sub.billed_until is not null
     and p_period_start >= sub.current_period_start
     and p_period_end <= greatest(sub.current_period_end, sub.paid_through) then
    -- A proration invoice inside the paid term (an upgrade): today's upgrade rules apply to the
    -- current period, once — the new allowances less what was used, the difference in plan credits.
    if (select p.tier from public.plans p where p.id = p_plan_id)
       > (select p.tier from public.plans p where p.id = sub.plan_id) then
      perform 1 from public.subscription_change(sub.subject_kind, sub.subject_id, p_plan_id);
    end if;
  else
    rollover := private.roll_over_plan_credits(sub, account, 'invoice:' || p_invoice_id, p_period_start,
                                               p_period_end);
    lot := private.open_plan_period(sub, p_plan_id, p_period_start, p_period_end, 'invoice:' || p_invoice_id);
  end if;
  update public.billing_invoices i
  set status = 'paid', paid_at = now(), plan_lot_id = lot, rollover_lot_id = rollover, amount_paid = coalesce(p_amount_paid, i.amount_paid),
      tax = coalesce(p_tax, i.tax), hosted_invoice_url = coalesce(p_hosted_invoice_url, i.hosted_invoice_url),
      invoice_pdf = coalesce(p_invoice_pdf, i.invoice_pdf)
  where i.id = p_invoice_id;
  update public.billing_subscriptions m set past_due_since = null,
    status = case when m.status = 'past_due' then 'active' else m.status end
  where m.id = p_subscription_id;
  return 'processed';
end
$$;
comment on function public.billing_invoice_paid(text, text, text, text, uuid, text, text, text, timestamptz, timestamptz, bigint, bigint, text, text, text) is
  'Service only (webhook): records a paid invoice and opens its plan period (credit lot, allowance refresh) once.';

revoke all on function private.month_bounds(timestamptz, timestamptz, timestamptz),
  private.open_plan_period(public.subscriptions, text, timestamptz, timestamptz, text),
  private.end_period_plan_lots(uuid, timestamptz),
  private.roll_over_plan_credits(public.subscriptions, uuid, text, timestamptz, timestamptz)
from public, anon, authenticated, service_role;

-- Subscription schedules made or changed outside Tollgate (the Stripe Dashboard, Stripe completing
-- one) reach the mirror: subscription_schedule.* events set or clear the pending plan change.

-- ===================================================================== TABLES
create table public.billing_schedules (
  id text primary key check (id ~ '^sub_sched_[A-Za-z0-9_]+$'),
  subscription_id text not null references public.billing_subscriptions (id) on delete cascade,
  -- ended: released, canceled, completed or aborted; a schedule never comes back from it.
  status text not null check (status in ('active', 'ended')),
  -- The last event applied: its Stripe time, then its step (0 created, 1 updated, 2 ended) for
  -- events of the same second. An older event of the schedule changes nothing.
  synced_at timestamptz not null,
  synced_step smallint not null check (synced_step between 0 and 2),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.billing_schedules is
  'Stripe subscription schedules the webhook has seen, to order their events. Written by the webhook only.';

-- ===================================================================== INDEXES
create index billing_schedules_subscription_idx on public.billing_schedules (subscription_id);

-- ===================================================================== RLS
alter table public.billing_schedules enable row level security;
revoke all on public.billing_schedules from public, anon, authenticated, service_role;
grant select on public.billing_schedules to service_role;

-- ===================================================================== TRIGGERS
create trigger billing_schedules_touch before update on public.billing_schedules
  for each row execute function private.touch_updated_at();

-- ===================================================================== FUNCTIONS
/*
 * Mirrors a subscription schedule from subscription_schedule.* events. A live schedule
 * (p_ended false) names the change in its next phase: that phase's plan, interval and start
 * (p_at) become the mirror's pending change, with the schedule id; no next phase, one that keeps
 * the plan and interval, or one that has already begun clears it. An ended schedule forgets the
 * change only while the mirror still holds that schedule, so a late event of an old one leaves
 * a newer one alone. A subscription has one live schedule at a time: an event of another
 * schedule than the mirror's, no newer than that one's last, is stale. A next phase whose price
 * names no plan (p_next_price_id without p_plan_id), or an unknown subscription, is ignored.
 */
create function public.billing_schedule_sync(
  p_event_id text, p_event_type text, p_event_created timestamptz, p_schedule_id text, p_subscription_id text,
  p_ended boolean, p_next_price_id text, p_plan_id text, p_interval text, p_at timestamptz
) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  mirror public.billing_subscriptions;
  known public.billing_schedules;
  holder public.billing_schedules;
  event_step smallint := case when p_ended then 2 when p_event_type = 'subscription_schedule.created' then 0 else 1 end;
begin
  perform private.assert_service();
  if p_schedule_id is null or p_schedule_id !~ '^sub_sched_[A-Za-z0-9_]+$' or p_ended is null
     or p_event_created is null then
    perform private.fail('TG422', 'A subscription schedule id (sub_sched_…), its state and the event time are required.',
      jsonb_build_object('field', 'schedule_id'));
  end if;
  select * into mirror from public.billing_subscriptions m where m.id = p_subscription_id;
  if not found then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null,
      'No mirrored subscription matches this schedule.');
    return 'unknown';
  end if;
  perform private.lock_billing_subject(mirror.account_id);
  if not p_ended and p_next_price_id is not null and (p_interval is null or p_interval not in ('month', 'year')
      or not exists (select 1 from public.plans p where p.id = p_plan_id)) then
    perform private.record_event(p_event_id, p_event_type, 'ignored', null,
      format('The schedule''s next phase has a price (%s) that names no plan.', left(p_next_price_id, 255)));
    return 'unknown_price';
  end if;
  if not private.record_event(p_event_id, p_event_type, 'processed', null) then
    return 'replayed';
  end if;
  select * into mirror from public.billing_subscriptions m where m.id = p_subscription_id for no key update;
  select * into known from public.billing_schedules s where s.id = p_schedule_id for no key update;

  if p_ended then
    insert into public.billing_schedules as s (id, subscription_id, status, synced_at, synced_step)
    values (p_schedule_id, mirror.id, 'ended', p_event_created, event_step)
    on conflict (id) do update
    set status = 'ended', synced_at = greatest(s.synced_at, excluded.synced_at), synced_step = excluded.synced_step;
    if mirror.schedule_id is distinct from p_schedule_id then
      return 'not_current';
    end if;
    update public.billing_subscriptions m
    set pending_plan_id = null, pending_interval = null, pending_at = null, schedule_id = null
    where m.id = mirror.id;
    return 'processed';
  end if;

  if known.status = 'ended' or (known.synced_at, known.synced_step) > (p_event_created, event_step) then
    return 'stale';
  end if;
  if mirror.schedule_id <> p_schedule_id then
    select * into holder from public.billing_schedules s where s.id = mirror.schedule_id;
    if holder.status = 'active' and holder.synced_at >= p_event_created then
      return 'stale';
    end if;
  end if;
  insert into public.billing_schedules as s (id, subscription_id, status, synced_at, synced_step)
  values (p_schedule_id, mirror.id, 'active', p_event_created, event_step)
  on conflict (id) do update set synced_at = excluded.synced_at, synced_step = excluded.synced_step;
  if p_plan_id is null or (p_plan_id = mirror.plan_id and p_interval = mirror.billing_interval)
     or p_at is null or p_at <= mirror.current_period_start then
    update public.billing_subscriptions m
    set pending_plan_id = null, pending_interval = null, pending_at = null, schedule_id = p_schedule_id
    where m.id = mirror.id;
  else
    update public.billing_subscriptions m
    set pending_plan_id = p_plan_id, pending_interval = p_interval, pending_at = p_at, schedule_id = p_schedule_id
    where m.id = mirror.id;
  end if;
  return 'processed';
end
$$;
comment on function public.billing_schedule_sync(text, text, timestamptz, text, text, boolean, text, text, text, timestamptz) is
  'Service only (webhook): mirrors a subscription schedule''s next phase as the pending plan change, or forgets it when the schedule ends.';

-- ===================================================================== PRIVILEGES
revoke all on function
  public.billing_schedule_sync(text, text, timestamptz, text, text, boolean, text, text, text, timestamptz)
from public, anon, authenticated, service_role;
grant execute on function
  public.billing_schedule_sync(text, text, timestamptz, text, text, boolean, text, text, text, timestamptz)
to service_role;

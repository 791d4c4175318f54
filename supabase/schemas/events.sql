-- Domain events: an append-only outbox. Alerts, payments and refunds write one row here in the
-- same transaction as the change they describe; the worker fans each event out to the subject's
-- webhook endpoints. An event belongs to a user or to an org (exactly one of the two).

create table public.events (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references public.profiles (id) on delete cascade,
  org_id uuid references public.organizations (id) on delete cascade,
  type text not null check (type ~ '^[a-z][a-z_]*(\.[a-z][a-z_]*)+$' and char_length(type) <= 60),
  data jsonb not null default '{}'::jsonb check (pg_column_size(data) <= 8192),
  created_at timestamptz not null default now(),
  dispatched_at timestamptz,
  constraint events_one_subject check ((user_id is null) <> (org_id is null))
);
comment on table public.events is
  'Outbox of domain events (balance.low, credits.purchased, …) for webhooks; written by functions only.';
comment on column public.events.dispatched_at is
  'When the worker created the deliveries for this event; null while it waits.';

create index events_undispatched_idx on public.events (created_at) where dispatched_at is null;
create index events_user_idx on public.events (user_id, created_at desc) where user_id is not null;
create index events_org_idx on public.events (org_id, created_at desc) where org_id is not null;

alter table public.events enable row level security;
revoke all on public.events from public, anon, authenticated, service_role;
grant select on public.events to authenticated;
grant select, insert, update on public.events to service_role;

create policy events_select on public.events for select to authenticated
  using (user_id = (select auth.uid()) or private.org_role(org_id) in ('owner', 'admin'));

/* Writes one event for a user or an org; called by other functions inside their transaction. */
create function private.emit_event(p_user_id uuid, p_org_id uuid, p_type text, p_data jsonb)
returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  event uuid;
begin
  insert into public.events (user_id, org_id, type, data)
  values (p_user_id, p_org_id, p_type, coalesce(p_data, '{}'::jsonb))
  returning id into event;
  perform pg_notify('tollgate_events', event::text);
  return event;
end
$$;
comment on function private.emit_event(uuid, uuid, text, jsonb) is
  'Appends one domain event to the outbox (exactly one of user/org) and wakes the dispatcher.';
revoke all on function private.emit_event(uuid, uuid, text, jsonb) from public, anon, authenticated, service_role;

-- Outbound webhooks. A user registers endpoints for themselves, an org's owners and admins for
-- the org. The worker fans each outbox event (public.events) out to the subject's enabled
-- endpoints that subscribe to its type, one delivery per endpoint, and records every attempt.
-- Endpoint secrets are encrypted by the app (AES-256-GCM with ENCRYPTION_KEY) before they reach
-- the database and are shown once; only the service reads the ciphertext to sign deliveries.
--
-- Failure policy: a delivery retries with backoff for 24 h from its first attempt, then fails.
-- After 5 deliveries in a row have failed (no success in between) the endpoint is disabled and
-- the people who manage it get a notification.

-- ===================================================================== TABLES
create table public.webhook_endpoints (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references public.profiles (id) on delete cascade,
  org_id uuid references public.organizations (id) on delete cascade,
  -- https anywhere; plain http only to the loopback host (the app forbids even that in production).
  url text not null check (
    char_length(url) <= 2048 and url !~ '\s'
    and (url ~ '^https://[^/?#]+' or url ~ '^http://(127\.0\.0\.1|localhost)(:[0-9]{1,5})?(/|\?|$)')
  ),
  description text check (char_length(description) <= 200),
  event_types text[] not null check (
    cardinality(event_types) between 1 and 20
    and event_types <@ array['*', 'balance.low', 'balance.threshold', 'allowance.threshold',
      'credits.purchased', 'credits.refunded', 'usage.limit_reached', 'key.expiring', 'spend.refused',
      'usage.spike', 'balance.runout', 'auto_recharge.failed']::text[]
  ),
  secret_ciphertext text not null
    check (secret_ciphertext ~ '^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$'),
  secret_hint text not null check (char_length(secret_hint) between 1 and 12),
  enabled boolean not null default true,
  -- Deliveries in a row that exhausted their retries; reset by any success or by re-enabling.
  failed_deliveries integer not null default 0 check (failed_deliveries >= 0),
  disabled_reason text check (char_length(disabled_reason) <= 500),
  disabled_at timestamptz,
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint webhook_endpoints_one_subject check ((user_id is null) <> (org_id is null))
);
comment on table public.webhook_endpoints is
  'Webhook endpoints of a user or an org: URL, subscribed event types, encrypted signing secret.';

create table public.webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  endpoint_id uuid not null references public.webhook_endpoints (id) on delete cascade,
  event_id uuid not null references public.events (id) on delete cascade,
  -- A replay is a new delivery (a new attempt chain) of the same event to the same endpoint.
  replay_of uuid references public.webhook_deliveries (id) on delete set null,
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  first_attempt_at timestamptz,
  next_attempt_at timestamptz not null default now(),
  -- A worker holds the delivery while it sends; a stale claim is taken over.
  claimed_until timestamptz,
  last_status_code integer check (last_status_code between 100 and 599),
  completed_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.webhook_deliveries is
  'One event sent to one endpoint: pending until an attempt succeeds or its 24-h retry window ends.';

create table public.webhook_attempts (
  id bigint generated always as identity primary key,
  delivery_id uuid not null references public.webhook_deliveries (id) on delete cascade,
  attempt integer not null check (attempt >= 1),
  status_code integer check (status_code between 100 and 599),
  response_excerpt text check (octet_length(response_excerpt) <= 1024),
  error text check (char_length(error) <= 500),
  duration_ms integer not null check (duration_ms >= 0),
  succeeded boolean not null,
  attempted_at timestamptz not null default now(),
  constraint webhook_attempts_once unique (delivery_id, attempt)
);
comment on table public.webhook_attempts is
  'Every HTTP attempt of a delivery: status code, first 1 KB of the response, error, duration.';

-- ===================================================================== INDEXES
create index webhook_endpoints_user_idx on public.webhook_endpoints (user_id) where user_id is not null;
create index webhook_endpoints_org_idx on public.webhook_endpoints (org_id) where org_id is not null;
create index webhook_endpoints_created_by_idx on public.webhook_endpoints (created_by);
create unique index webhook_deliveries_once on public.webhook_deliveries (endpoint_id, event_id)
  where replay_of is null;
create index webhook_deliveries_endpoint_idx on public.webhook_deliveries (endpoint_id, created_at desc);
create index webhook_deliveries_event_idx on public.webhook_deliveries (event_id);
create index webhook_deliveries_replay_idx on public.webhook_deliveries (replay_of) where replay_of is not null;
create index webhook_deliveries_due_idx on public.webhook_deliveries (next_attempt_at) where status = 'pending';

-- ===================================================================== RLS
alter table public.webhook_endpoints enable row level security;
alter table public.webhook_deliveries enable row level security;
alter table public.webhook_attempts enable row level security;
revoke all on public.webhook_endpoints, public.webhook_deliveries, public.webhook_attempts
  from public, anon, authenticated, service_role;
-- Everything but the ciphertext; writes go through the functions below.
grant select (id, user_id, org_id, url, description, event_types, secret_hint, enabled, failed_deliveries,
  disabled_reason, disabled_at, created_by, created_at, updated_at) on public.webhook_endpoints to authenticated;
grant select on public.webhook_deliveries, public.webhook_attempts to authenticated;
grant select on public.webhook_endpoints, public.webhook_deliveries, public.webhook_attempts to service_role;

/* The caller manages a subject's webhooks: their own, or an org they own or administer. */
create function private.webhook_manages(p_user_id uuid, p_org_id uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select (p_user_id is not null and p_user_id = (select auth.uid()))
      or (p_org_id is not null and exists (
            select 1 from public.organization_members m
            where m.org_id = p_org_id and m.user_id = (select auth.uid()) and m.role in ('owner', 'admin')))
$$;
comment on function private.webhook_manages(uuid, uuid) is
  'True when the caller manages the webhooks of this user or org (self, or org owner/admin).';
revoke all on function private.webhook_manages(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function private.webhook_manages(uuid, uuid) to authenticated, service_role;

create policy webhook_endpoints_select on public.webhook_endpoints for select to authenticated
  using ((select private.webhook_manages(user_id, org_id)));
create policy webhook_deliveries_select on public.webhook_deliveries for select to authenticated
  using (exists (select 1 from public.webhook_endpoints w
                 where w.id = endpoint_id and private.webhook_manages(w.user_id, w.org_id)));
create policy webhook_attempts_select on public.webhook_attempts for select to authenticated
  using (exists (select 1 from public.webhook_deliveries d join public.webhook_endpoints w on w.id = d.endpoint_id
                 where d.id = delivery_id and private.webhook_manages(w.user_id, w.org_id)));
create policy webhook_endpoints_service on public.webhook_endpoints for select to service_role using (true);
create policy webhook_deliveries_service on public.webhook_deliveries for select to service_role using (true);
create policy webhook_attempts_service on public.webhook_attempts for select to service_role using (true);

-- ===================================================================== HELPERS
/* The endpoint the caller manages, locked; TG404 when it does not exist or is someone else's. */
create function private.webhook_endpoint_for_update(p_endpoint_id uuid) returns public.webhook_endpoints
language plpgsql security definer set search_path = ''
as $$
declare
  endpoint public.webhook_endpoints;
begin
  select * into endpoint from public.webhook_endpoints w where w.id = p_endpoint_id for update;
  if endpoint.id is null or not (private.is_trusted() or private.webhook_manages(endpoint.user_id, endpoint.org_id)) then
    perform private.fail('TG404', 'Webhook endpoint not found.', jsonb_build_object('endpointId', p_endpoint_id));
  end if;
  return endpoint;
end
$$;
comment on function private.webhook_endpoint_for_update(uuid) is
  'Locks an endpoint the caller manages; TG404 otherwise (never reveals someone else''s).';

/* Disables an endpoint, fails its pending deliveries, and tells its managers why. */
create function private.webhook_disable(endpoint public.webhook_endpoints, reason text) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  update public.webhook_endpoints w
  set enabled = false, disabled_reason = left(reason, 500), disabled_at = now(), updated_at = now()
  where w.id = endpoint.id;
  update public.webhook_deliveries d
  set status = 'failed', completed_at = now(), claimed_until = null
  where d.endpoint_id = endpoint.id and d.status = 'pending';
  insert into public.notifications (user_id, kind, title, body, link)
  select recipient, 'webhooks.endpoint_disabled', 'A webhook endpoint was turned off',
         left('Deliveries to ' || endpoint.url || ' kept failing (' || reason
              || '). Fix the receiver, then enable the endpoint again and replay what it missed.', 1000),
         '/settings/webhooks'
  from (
    select endpoint.user_id as recipient where endpoint.user_id is not null
    union
    select m.user_id from public.organization_members m
    where m.org_id = endpoint.org_id and m.role in ('owner', 'admin')
  ) recipients;
end
$$;
comment on function private.webhook_disable(public.webhook_endpoints, text) is
  'Turns an endpoint off after repeated failure, fails what it still owed, notifies its managers.';

-- ===================================================================== FUNCTIONS (users)
create function public.webhook_endpoint_create(
  p_org_id uuid, p_url text, p_description text, p_event_types text[], p_secret_ciphertext text,
  p_secret_hint text
) returns setof public.webhook_endpoints
language plpgsql security definer set search_path = ''
as $$
declare
  owner_user uuid;
  existing integer;
  created public.webhook_endpoints;
begin
  if auth.uid() is null then
    perform private.fail('TG401', 'Sign in to manage webhooks.', '{}'::jsonb);
  end if;
  if p_org_id is null then
    owner_user := auth.uid();
  elsif not private.webhook_manages(null, p_org_id) then
    if private.is_org_member(p_org_id) then
      perform private.fail('TG403', 'Only org owners and admins manage the org''s webhooks.', '{}'::jsonb);
    end if;
    perform private.fail('TG404', 'Organization not found.', jsonb_build_object('orgId', p_org_id));
  end if;
  if p_event_types is null or cardinality(p_event_types) = 0 then
    perform private.fail('TG422', 'Subscribe to at least one event type.', jsonb_build_object('field', 'eventTypes'));
  end if;
  -- One subject at a time, so two concurrent requests cannot both take the last slot.
  perform pg_advisory_xact_lock(hashtextextended('webhook_endpoints:' || coalesce(p_org_id, owner_user)::text, 0));
  select count(*) into existing from public.webhook_endpoints w
  where (p_org_id is null and w.user_id = owner_user) or (p_org_id is not null and w.org_id = p_org_id);
  if existing >= 10 then
    perform private.fail('TG422', 'At most 10 webhook endpoints per account; delete one first.',
      jsonb_build_object('field', 'url', 'limit', 10));
  end if;
  insert into public.webhook_endpoints (user_id, org_id, url, description, event_types, secret_ciphertext,
                                        secret_hint, created_by)
  values (owner_user, p_org_id, p_url, nullif(trim(p_description), ''),
          (select array_agg(distinct t order by t) from unnest(p_event_types) t),
          p_secret_ciphertext, p_secret_hint, auth.uid())
  returning * into created;
  created.secret_ciphertext := '';
  return next created;
end
$$;
comment on function public.webhook_endpoint_create(uuid, text, text, text[], text, text) is
  'Registers an endpoint for the caller (or an org they administer); at most 10 per subject.';

create function public.webhook_endpoint_update(
  p_endpoint_id uuid, p_enabled boolean, p_url text, p_description text, p_event_types text[]
) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  endpoint public.webhook_endpoints;
begin
  endpoint := private.webhook_endpoint_for_update(p_endpoint_id);
  if p_event_types is not null and cardinality(p_event_types) = 0 then
    perform private.fail('TG422', 'Subscribe to at least one event type.', jsonb_build_object('field', 'eventTypes'));
  end if;
  update public.webhook_endpoints w
  set url = coalesce(p_url, w.url),
      description = case when p_description is null then w.description else nullif(trim(p_description), '') end,
      event_types = coalesce((select array_agg(distinct t order by t) from unnest(p_event_types) t), w.event_types),
      enabled = coalesce(p_enabled, w.enabled),
      -- Re-enabling starts the failure count afresh.
      failed_deliveries = case when p_enabled and not w.enabled then 0 else w.failed_deliveries end,
      disabled_reason = case when p_enabled then null
                             when p_enabled = false and w.enabled then 'Turned off by a person.'
                             else w.disabled_reason end,
      disabled_at = case when p_enabled then null when p_enabled = false and w.enabled then now() else w.disabled_at end,
      updated_at = now()
  where w.id = endpoint.id;
  if p_enabled = false and endpoint.enabled then
    update public.webhook_deliveries d set status = 'failed', completed_at = now(), claimed_until = null
    where d.endpoint_id = endpoint.id and d.status = 'pending';
  end if;
end
$$;
comment on function public.webhook_endpoint_update(uuid, boolean, text, text, text[]) is
  'Changes an endpoint (null = unchanged); turning it off fails its pending deliveries.';

create function public.webhook_endpoint_delete(p_endpoint_id uuid) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.webhook_endpoint_for_update(p_endpoint_id);
  delete from public.webhook_endpoints w where w.id = p_endpoint_id;
end
$$;
comment on function public.webhook_endpoint_delete(uuid) is 'Removes an endpoint with its deliveries and attempts.';

/* A `webhook.test` event for one endpoint only (never fanned out); returns the delivery. */
create function public.webhook_send_test(p_endpoint_id uuid) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  endpoint public.webhook_endpoints;
  event uuid;
  delivery uuid;
begin
  endpoint := private.webhook_endpoint_for_update(p_endpoint_id);
  if not endpoint.enabled then
    perform private.fail('TG422', 'Enable the endpoint before sending to it.', jsonb_build_object('field', 'enabled'));
  end if;
  insert into public.events (user_id, org_id, type, data, dispatched_at)
  values (endpoint.user_id, endpoint.org_id, 'webhook.test',
          jsonb_build_object('endpointId', endpoint.id, 'message', 'A test event from Tollgate.'), now())
  returning id into event;
  insert into public.webhook_deliveries (endpoint_id, event_id) values (endpoint.id, event) returning id into delivery;
  return delivery;
end
$$;
comment on function public.webhook_send_test(uuid) is 'Queues a webhook.test event to one endpoint; returns the delivery id.';

/* Sends a delivery's event again as a new delivery (a fresh attempt chain). */
create function public.webhook_replay(p_delivery_id uuid) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  original public.webhook_deliveries;
  endpoint public.webhook_endpoints;
  delivery uuid;
begin
  select * into original from public.webhook_deliveries d where d.id = p_delivery_id;
  if original.id is null then
    perform private.fail('TG404', 'Delivery not found.', jsonb_build_object('deliveryId', p_delivery_id));
  end if;
  select * into endpoint from public.webhook_endpoints w where w.id = original.endpoint_id for update;
  if not (private.is_trusted() or private.webhook_manages(endpoint.user_id, endpoint.org_id)) then
    perform private.fail('TG404', 'Delivery not found.', jsonb_build_object('deliveryId', p_delivery_id));
  end if;
  if not endpoint.enabled then
    perform private.fail('TG422', 'Enable the endpoint before replaying to it.', jsonb_build_object('field', 'enabled'));
  end if;
  insert into public.webhook_deliveries (endpoint_id, event_id, replay_of)
  values (original.endpoint_id, original.event_id, coalesce(original.replay_of, original.id))
  returning id into delivery;
  return delivery;
end
$$;
comment on function public.webhook_replay(uuid) is 'Re-sends a delivery''s event as a new delivery; returns its id.';

-- ===================================================================== FUNCTIONS (worker)
/*
 * Fans undispatched events out: one delivery per enabled endpoint of the same subject that
 * subscribes to the type (or '*') and existed when the event happened. SKIP LOCKED lets several
 * workers share the outbox; the unique index makes a repeat harmless.
 */
create function public.webhook_dispatch(p_limit integer default 100)
returns table (delivery_id uuid, events_dispatched integer)
language plpgsql security definer set search_path = ''
as $$
declare
  batch uuid[];
begin
  perform private.assert_service();
  select coalesce(array_agg(e.id), '{}') into batch from (
    select e.id from public.events e where e.dispatched_at is null
    order by e.created_at limit greatest(1, least(coalesce(p_limit, 100), 1000))
    for update skip locked
  ) e;
  update public.events e set dispatched_at = now() where e.id = any (batch);
  return query
  with inserted as (
    insert into public.webhook_deliveries (endpoint_id, event_id)
    select w.id, e.id
    from public.events e
    join public.webhook_endpoints w
      on w.enabled and w.created_at <= e.created_at
     and ((e.user_id is not null and w.user_id = e.user_id) or (e.org_id is not null and w.org_id = e.org_id))
     and (e.type = any (w.event_types) or '*' = any (w.event_types))
    where e.id = any (batch) and e.type <> 'webhook.test'
    on conflict (endpoint_id, event_id) where replay_of is null do nothing
    returning id
  )
  select i.id, cardinality(batch) from inserted i
  union all
  select null::uuid, cardinality(batch) where cardinality(batch) > 0;
end
$$;
comment on function public.webhook_dispatch(integer) is
  'Service only: turns undispatched events into deliveries for matching endpoints; marks them dispatched.';

/* Pending deliveries whose time has come but that no job picked up (say the worker was down). */
create function public.webhook_due_deliveries(p_limit integer default 100) returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select d.id from public.webhook_deliveries d
  join public.webhook_endpoints w on w.id = d.endpoint_id and w.enabled
  where d.status = 'pending' and d.next_attempt_at < now() - interval '2 minutes'
    and (d.claimed_until is null or d.claimed_until < now())
  order by d.next_attempt_at limit greatest(1, least(coalesce(p_limit, 100), 1000))
$$;
comment on function public.webhook_due_deliveries(integer) is 'Service only: overdue pending deliveries to enqueue again.';

/* Claims a due delivery for one attempt; nothing when it is done, not due, held, or its endpoint is off. */
create function public.webhook_delivery_claim(p_delivery_id uuid, p_lease_seconds integer default 60)
returns table (delivery_id uuid, attempt integer, first_attempt_at timestamptz, endpoint_id uuid, url text,
               secret_ciphertext text, event_id uuid, event_type text, event_created_at timestamptz, event_data jsonb)
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_service();
  return query
  with claimed as (
    update public.webhook_deliveries d
    set claimed_until = now() + make_interval(secs => greatest(1, coalesce(p_lease_seconds, 60))),
        first_attempt_at = coalesce(d.first_attempt_at, now())
    from public.webhook_endpoints w
    where d.id = p_delivery_id and w.id = d.endpoint_id and w.enabled and d.status = 'pending'
      and d.next_attempt_at <= now() + interval '1 second'
      and (d.claimed_until is null or d.claimed_until < now())
    returning d.id, d.attempts + 1 as attempt, d.first_attempt_at, w.id as endpoint_id, w.url,
              w.secret_ciphertext, d.event_id
  )
  select c.id, c.attempt, c.first_attempt_at, c.endpoint_id, c.url, c.secret_ciphertext, e.id, e.type,
         e.created_at, e.data
  from claimed c join public.events e on e.id = c.event_id;
end
$$;
comment on function public.webhook_delivery_claim(uuid, integer) is
  'Service only: leases a due pending delivery for one attempt and returns what to send.';

/*
 * Records one attempt. Success completes the delivery and resets the endpoint's failure count;
 * a failure with a next time stays pending; a failure without one fails the delivery, and the
 * 5th failed delivery in a row disables the endpoint.
 */
create function public.webhook_attempt_record(
  p_delivery_id uuid, p_attempt integer, p_status_code integer, p_response_excerpt text, p_error text,
  p_duration_ms integer, p_succeeded boolean, p_next_attempt_at timestamptz
) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  delivery public.webhook_deliveries;
  endpoint public.webhook_endpoints;
  outcome text;
begin
  perform private.assert_service();
  -- The endpoint first, then the delivery: the order deleting an endpoint takes them in (its
  -- deliveries go with it), so an attempt recorded during a delete never deadlocks with it.
  select * into endpoint from public.webhook_endpoints w
  where w.id = (select d.endpoint_id from public.webhook_deliveries d where d.id = p_delivery_id)
  for update;
  select * into delivery from public.webhook_deliveries d where d.id = p_delivery_id for update;
  if delivery.id is null or endpoint.id is null then
    perform private.fail('TG404', 'Delivery not found.', jsonb_build_object('deliveryId', p_delivery_id));
  end if;
  insert into public.webhook_attempts (delivery_id, attempt, status_code, response_excerpt, error, duration_ms, succeeded)
  values (delivery.id, p_attempt, p_status_code, p_response_excerpt, left(p_error, 500), greatest(0, p_duration_ms),
          p_succeeded);
  outcome := case when p_succeeded then 'succeeded' when p_next_attempt_at is not null then 'pending' else 'failed' end;
  update public.webhook_deliveries d
  set status = case when d.status = 'pending' then outcome else d.status end,
      attempts = greatest(d.attempts, p_attempt), last_status_code = p_status_code, claimed_until = null,
      next_attempt_at = coalesce(p_next_attempt_at, d.next_attempt_at),
      completed_at = case when outcome <> 'pending' then now() end
  where d.id = delivery.id;

  if outcome = 'succeeded' then
    update public.webhook_endpoints w set failed_deliveries = 0 where w.id = endpoint.id and w.failed_deliveries <> 0;
  elsif outcome = 'failed' then
    update public.webhook_endpoints w set failed_deliveries = w.failed_deliveries + 1
    where w.id = endpoint.id returning * into endpoint;
    if endpoint.enabled and endpoint.failed_deliveries >= 5 then
      perform private.webhook_disable(endpoint,
        endpoint.failed_deliveries || ' deliveries in a row failed for 24 hours each');
    end if;
  end if;
  return outcome;
end
$$;
comment on function public.webhook_attempt_record(uuid, integer, integer, text, text, integer, boolean, timestamptz) is
  'Service only: records an attempt and moves the delivery (and the endpoint''s failure count) on.';

-- ===================================================================== TRIGGERS
/* credits.purchased when a payment is fulfilled; credits.refunded each time more of it is refunded. */
create function private.payment_events() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  wallet record;
begin
  select a.user_id, a.org_id into wallet from public.accounts a where a.id = new.account_id;
  if wallet.user_id is null and wallet.org_id is null then
    return null;
  end if;
  if new.paid_at is not null and (tg_op = 'INSERT' or old.paid_at is null) then
    perform private.emit_event(wallet.user_id, wallet.org_id, 'credits.purchased', jsonb_build_object(
      'paymentId', new.id, 'kind', new.kind, 'packageName', new.package_name,
      'credits', new.credits::text, 'bonusCredits', new.bonus_credits::text,
      'amount', new.amount, 'currency', new.currency, 'buyerId', new.buyer_id));
  end if;
  if tg_op = 'UPDATE' and new.amount_refunded > old.amount_refunded then
    perform private.emit_event(wallet.user_id, wallet.org_id, 'credits.refunded', jsonb_build_object(
      'paymentId', new.id, 'packageName', new.package_name,
      'amountRefunded', new.amount_refunded, 'refundedNow', new.amount_refunded - old.amount_refunded,
      'amount', new.amount, 'currency', new.currency,
      'creditsClawedBack', (new.credits_clawed_back - old.credits_clawed_back)::text,
      'fullyRefunded', new.amount_refunded >= new.amount));
  end if;
  return null;
end
$$;
comment on function private.payment_events() is
  'Emits credits.purchased / credits.refunded for the wallet''s user or org as a payment changes.';
revoke all on function private.payment_events() from public, anon, authenticated, service_role;

create trigger payments_emit_events
  after insert or update of paid_at, amount_refunded on public.payments
  for each row execute function private.payment_events();

-- ===================================================================== PRIVILEGES
revoke all on function
  private.webhook_endpoint_for_update(uuid),
  private.webhook_disable(public.webhook_endpoints, text),
  public.webhook_endpoint_create(uuid, text, text, text[], text, text),
  public.webhook_endpoint_update(uuid, boolean, text, text, text[]),
  public.webhook_endpoint_delete(uuid),
  public.webhook_send_test(uuid),
  public.webhook_replay(uuid),
  public.webhook_dispatch(integer),
  public.webhook_due_deliveries(integer),
  public.webhook_delivery_claim(uuid, integer),
  public.webhook_attempt_record(uuid, integer, integer, text, text, integer, boolean, timestamptz)
from public, anon, authenticated, service_role;
grant execute on function
  public.webhook_endpoint_create(uuid, text, text, text[], text, text),
  public.webhook_endpoint_update(uuid, boolean, text, text, text[]),
  public.webhook_endpoint_delete(uuid),
  public.webhook_send_test(uuid),
  public.webhook_replay(uuid)
to authenticated, service_role;
grant execute on function
  public.webhook_dispatch(integer),
  public.webhook_due_deliveries(integer),
  public.webhook_delivery_claim(uuid, integer),
  public.webhook_attempt_record(uuid, integer, integer, text, text, integer, boolean, timestamptz)
to service_role;

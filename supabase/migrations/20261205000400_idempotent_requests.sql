-- Idempotent HTTP requests: concurrent retries with one Idempotency-Key replay the first answer.

-- ===================================================================== TABLES
create table private.idempotent_requests (
  user_id uuid not null references auth.users (id) on delete cascade,
  -- Method and path: one key may be reused on another endpoint.
  route text not null check (char_length(route) between 1 and 300),
  key text not null check (char_length(key) between 1 and 255),
  -- sha256 of the request (method, path, body), hex.
  fingerprint text not null check (fingerprint ~ '^[0-9a-f]{64}$'),
  -- Who runs it now (a random token per attempt), so only that attempt may record the answer.
  runner uuid,
  response_status integer check (response_status between 200 and 499),
  response_body text check (char_length(response_body) <= 1000000),
  content_type text check (char_length(content_type) <= 200),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (user_id, route, key),
  constraint idempotent_requests_done check ((finished_at is null) = (response_status is null))
);
comment on table private.idempotent_requests is
  'Keyed HTTP requests and their first answer (24 hours): retries replay it, a different request with the key is a conflict.';
create index idempotent_requests_started_idx on private.idempotent_requests (started_at);
revoke all on private.idempotent_requests from public, anon, authenticated, service_role;

-- ===================================================================== FUNCTIONS
/*
 * Service only. Claims a keyed request or reports what became of it:
 *   run       this caller runs it (new, or the earlier attempt died over `p_stale_seconds` ago);
 *             `runner` is the token to finish or abandon it with
 *   running   another attempt is running it now: wait and ask again
 *   done      answered already: `response_*` is the answer to replay
 *   conflict  the key was used for a different request
 */
create function public.idempotency_claim(
  p_user_id uuid, p_route text, p_key text, p_fingerprint text, p_stale_seconds integer default 120
) returns table (state text, runner uuid, response_status integer, response_body text, content_type text)
language plpgsql security definer set search_path = ''
as $$
declare
  found_request private.idempotent_requests;
  token uuid := gen_random_uuid();
begin
  insert into private.idempotent_requests (user_id, route, key, fingerprint, runner)
  values (p_user_id, p_route, p_key, p_fingerprint, token)
  on conflict (user_id, route, key) do nothing;
  if found then
    return query select 'run'::text, token, null::integer, null::text, null::text;
    return;
  end if;
  select * into found_request from private.idempotent_requests r
  where r.user_id = p_user_id and r.route = p_route and r.key = p_key;
  if not found then
    -- Abandoned between our insert and this read: the caller asks again.
    return query select 'running'::text, null::uuid, null::integer, null::text, null::text;
    return;
  end if;
  if found_request.fingerprint <> p_fingerprint then
    return query select 'conflict'::text, null::uuid, null::integer, null::text, null::text;
  elsif found_request.finished_at is not null then
    return query select 'done'::text, null::uuid, found_request.response_status,
                        found_request.response_body, found_request.content_type;
  elsif found_request.started_at < now() - make_interval(secs => p_stale_seconds) then
    update private.idempotent_requests r set runner = token, started_at = now()
    where r.user_id = p_user_id and r.route = p_route and r.key = p_key
      and r.finished_at is null and r.runner is not distinct from found_request.runner;
    if found then
      return query select 'run'::text, token, null::integer, null::text, null::text;
    else
      return query select 'running'::text, null::uuid, null::integer, null::text, null::text;
    end if;
  else
    return query select 'running'::text, null::uuid, null::integer, null::text, null::text;
  end if;
end
$$;
comment on function public.idempotency_claim(uuid, text, text, text, integer) is
  'Service only: claims a keyed request (run), or reports it running, done (with its answer) or a conflict.';

/* Service only: records the answer of the attempt holding `p_runner`; false when it no longer holds it. */
create function public.idempotency_finish(
  p_user_id uuid, p_route text, p_key text, p_runner uuid,
  p_status integer, p_body text, p_content_type text
) returns boolean
language plpgsql security definer set search_path = ''
as $$
begin
  update private.idempotent_requests r
  set response_status = p_status, response_body = p_body, content_type = p_content_type,
      finished_at = now(), runner = null
  where r.user_id = p_user_id and r.route = p_route and r.key = p_key and r.runner = p_runner
    and r.finished_at is null;
  return found;
end
$$;
comment on function public.idempotency_finish(uuid, text, text, uuid, integer, text, text) is
  'Service only: stores the first answer of a keyed request for its retries.';

/* Service only: the attempt failed in a way a retry may fix (a 5xx): forget it so a retry runs. */
create function public.idempotency_abandon(p_user_id uuid, p_route text, p_key text, p_runner uuid)
returns void
language sql security definer set search_path = ''
as $$
  delete from private.idempotent_requests r
  where r.user_id = p_user_id and r.route = p_route and r.key = p_key and r.runner = p_runner
    and r.finished_at is null
$$;
comment on function public.idempotency_abandon(uuid, text, text, uuid) is
  'Service only: drops an unfinished keyed request after a server error, so a retry runs it again.';

/* Service only, run by the maintenance tick: answers are kept for 24 hours. */
create function public.idempotency_sweep() returns integer
language sql security definer set search_path = ''
as $$
  with gone as (
    delete from private.idempotent_requests r where r.started_at < now() - interval '24 hours'
    returning 1
  )
  select count(*)::integer from gone
$$;
comment on function public.idempotency_sweep() is 'Service only: forgets keyed requests older than 24 hours.';

-- ===================================================================== PRIVILEGES
revoke all on function
  public.idempotency_claim(uuid, text, text, text, integer),
  public.idempotency_finish(uuid, text, text, uuid, integer, text, text),
  public.idempotency_abandon(uuid, text, text, uuid),
  public.idempotency_sweep()
from public, anon, authenticated;
grant execute on function
  public.idempotency_claim(uuid, text, text, text, integer),
  public.idempotency_finish(uuid, text, text, uuid, integer, text, text),
  public.idempotency_abandon(uuid, text, text, uuid),
  public.idempotency_sweep()
to service_role;

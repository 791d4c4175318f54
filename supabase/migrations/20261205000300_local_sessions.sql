-- Local-mode sign-in sessions that sign-out ends on the server.
-- Local mode's sign-in (no Supabase Auth) issues a signed token naming one of these rows;
-- getSession accepts the token only while its row is open, so signing out ends it at once on
-- the server, not when the token expires. Behind Supabase Auth this table stays empty: Supabase's
-- own sign-out revokes its sessions.
create table private.local_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  ended_at timestamptz,
  constraint local_sessions_expiry check (expires_at > created_at)
);
comment on table private.local_sessions is
  'Local-mode sign-in sessions: a token is honoured only while its row is open and unexpired.';
create index local_sessions_user_idx on private.local_sessions (user_id, created_at desc);
revoke all on private.local_sessions from public, anon, authenticated, service_role;

/* Service only: opens a session for a user; their sessions ended or expired over a day ago go. */
create function public.local_session_start(p_user_id uuid, p_ttl_seconds integer) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  session uuid;
begin
  if p_ttl_seconds is null or p_ttl_seconds not between 60 and 2592000 then
    raise exception 'a session lasts between a minute and 30 days' using errcode = '22023';
  end if;
  delete from private.local_sessions s
  where s.user_id = p_user_id and coalesce(s.ended_at, s.expires_at) < now() - interval '1 day';
  insert into private.local_sessions (user_id, expires_at)
  values (p_user_id, now() + make_interval(secs => p_ttl_seconds))
  returning id into session;
  return session;
end
$$;
comment on function public.local_session_start(uuid, integer) is
  'Service only: opens a local-mode sign-in session and returns its id (the token''s session_id).';

/* Service only: is this session of this user still open? */
create function public.local_session_active(p_session_id uuid, p_user_id uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from private.local_sessions s
    where s.id = p_session_id and s.user_id = p_user_id and s.ended_at is null and s.expires_at > now())
$$;
comment on function public.local_session_active(uuid, uuid) is
  'Service only: true while a local-mode session is open and unexpired.';

/* Service only: ends a session (sign-out); ending it twice is harmless. */
create function public.local_session_end(p_session_id uuid) returns void
language sql security definer set search_path = ''
as $$
  update private.local_sessions s set ended_at = now() where s.id = p_session_id and s.ended_at is null
$$;
comment on function public.local_session_end(uuid) is 'Service only: ends a local-mode session (sign-out).';

revoke all on function public.local_session_start(uuid, integer), public.local_session_active(uuid, uuid),
  public.local_session_end(uuid)
from public, anon, authenticated;
grant execute on function public.local_session_start(uuid, integer), public.local_session_active(uuid, uuid),
  public.local_session_end(uuid)
to service_role;

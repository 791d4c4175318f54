-- Base schema: profiles, organizations and their members, with row-level security.
--
-- Who sees what:
--   anon            nothing.
--   authenticated   their own profile and the profiles of people they share an org with; the
--                   orgs they belong to and those orgs' member lists. Owners and admins manage
--                   members; only owners touch owner rows.
--   service_role    everything (bypasses RLS), for webhooks, jobs and the platform admin.

-- ===================================================================== SCHEMAS
-- `private` holds helpers that policies call; it is not exposed through Supabase's API.
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

-- ===================================================================== TABLES
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  email text not null,
  full_name text not null default '' check (char_length(full_name) <= 120),
  avatar_url text check (avatar_url is null or char_length(avatar_url) <= 2048),
  is_platform_admin boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Set by public.account_delete: personal data removed, the row anonymised (the ledger keeps it).
  deleted_at timestamptz
);
comment on table public.profiles is
  'One row per auth user, created by trigger. is_platform_admin is set by service only.';

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique
    check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$'),
  name text not null check (char_length(btrim(name)) between 1 and 80),
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Set by public.org_delete: members gone, slug freed, wallet frozen (the ledger keeps it).
  deleted_at timestamptz
);
comment on table public.organizations is
  'A team with a shared wallet. Created through public.create_organization so the creator becomes owner.';

create table public.organization_members (
  org_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  role text not null default 'member' check (role in ('owner', 'admin', 'member')),
  created_at timestamptz not null default now(),
  primary key (org_id, user_id)
);
comment on table public.organization_members is 'Membership and role of a user in an organization.';

-- ===================================================================== INDEXES
-- Policies filter on user_id (my orgs) and on (org_id, user_id) (the primary key).
create index organization_members_user_id_idx on public.organization_members (user_id);
create index organizations_created_by_idx on public.organizations (created_by);

-- ===================================================================== HELPERS
-- Security definer so policies on organization_members can ask about membership without
-- recursing into their own policy.
create function private.org_role(target_org uuid) returns text
language sql stable security definer set search_path = ''
as $$
  select m.role from public.organization_members m
  where m.org_id = target_org and m.user_id = (select auth.uid())
$$;
comment on function private.org_role(uuid) is 'The caller''s role in an org, or null when not a member.';

create function private.is_org_member(target_org uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.organization_members m
    where m.org_id = target_org and m.user_id = (select auth.uid())
  )
$$;
comment on function private.is_org_member(uuid) is 'True when the caller belongs to the org.';

create function private.shares_org_with(other_user uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1
    from public.organization_members mine
    join public.organization_members theirs on theirs.org_id = mine.org_id
    where mine.user_id = (select auth.uid()) and theirs.user_id = other_user
  )
$$;
comment on function private.shares_org_with(uuid) is 'True when the caller and other_user share an org.';

create function private.is_platform_admin() returns boolean
language sql stable security definer set search_path = ''
as $$
  select coalesce(
    (select p.is_platform_admin from public.profiles p where p.id = (select auth.uid())),
    false
  )
$$;
comment on function private.is_platform_admin() is 'True when the caller is a platform admin.';

revoke all on all functions in schema private from public, anon;
grant execute on all functions in schema private to authenticated, service_role;

-- ===================================================================== RLS
alter table public.profiles enable row level security;
alter table public.organizations enable row level security;
alter table public.organization_members enable row level security;

revoke all on public.profiles, public.organizations, public.organization_members from anon, authenticated;
grant select on public.profiles, public.organizations, public.organization_members to authenticated;
grant update (full_name, avatar_url) on public.profiles to authenticated;
grant update (name) on public.organizations to authenticated;
grant insert, update (role), delete on public.organization_members to authenticated;
grant all on public.profiles, public.organizations, public.organization_members to service_role;

create policy profiles_select on public.profiles for select to authenticated
  using (id = (select auth.uid()) or (select private.shares_org_with(id)));
create policy profiles_update_own on public.profiles for update to authenticated
  using (id = (select auth.uid())) with check (id = (select auth.uid()));

create policy organizations_select on public.organizations for select to authenticated
  using ((select private.is_org_member(id)));
create policy organizations_update on public.organizations for update to authenticated
  using ((select private.org_role(id)) in ('owner', 'admin'))
  with check ((select private.org_role(id)) in ('owner', 'admin'));

create policy members_select on public.organization_members for select to authenticated
  using ((select private.is_org_member(org_id)));
-- Admins manage members and admins; only owners may create, change or remove owner rows.
create policy members_insert on public.organization_members for insert to authenticated
  with check (
    (select private.org_role(org_id)) = 'owner'
    or ((select private.org_role(org_id)) = 'admin' and role <> 'owner')
  );
create policy members_update on public.organization_members for update to authenticated
  using (
    (select private.org_role(org_id)) = 'owner'
    or ((select private.org_role(org_id)) = 'admin' and role <> 'owner')
  )
  with check (
    (select private.org_role(org_id)) = 'owner'
    or ((select private.org_role(org_id)) = 'admin' and role <> 'owner')
  );
create policy members_delete on public.organization_members for delete to authenticated
  using (
    (select private.org_role(org_id)) = 'owner'
    or ((select private.org_role(org_id)) = 'admin' and role <> 'owner')
  );

-- ===================================================================== FUNCTIONS
create function private.touch_updated_at() returns trigger
language plpgsql set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

-- A profile for every auth user, from the sign-up metadata.
create function private.handle_new_user() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.profiles (id, email, full_name, avatar_url)
  values (
    new.id,
    coalesce(new.email, ''),
    left(coalesce(new.raw_user_meta_data ->> 'full_name', new.raw_user_meta_data ->> 'name', ''), 120),
    new.raw_user_meta_data ->> 'avatar_url'
  );
  return new;
end
$$;
comment on function private.handle_new_user() is 'Creates public.profiles when an auth.users row appears.';

-- Creating an org and its owner membership is one step, so no org is ever ownerless.
create function public.create_organization(org_name text, org_slug text) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  new_id uuid;
begin
  if caller is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  insert into public.organizations (name, slug, created_by)
  values (btrim(org_name), lower(btrim(org_slug)), caller)
  returning id into new_id;
  insert into public.organization_members (org_id, user_id, role) values (new_id, caller, 'owner');
  return new_id;
end
$$;
comment on function public.create_organization(text, text) is
  'Creates an organization with the caller as its owner. Returns the new org id.';
revoke all on function public.create_organization(text, text) from public, anon;
grant execute on function public.create_organization(text, text) to authenticated, service_role;

-- ===================================================================== LOCAL SESSIONS
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

-- ===================================================================== TRIGGERS
create trigger on_auth_user_created after insert on auth.users
  for each row execute function private.handle_new_user();
create trigger profiles_touch before update on public.profiles
  for each row execute function private.touch_updated_at();
create trigger organizations_touch before update on public.organizations
  for each row execute function private.touch_updated_at();

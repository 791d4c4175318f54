-- Small helpers on every value move (the clock, the caller checks, the system accounts, the
-- month keys) were SQL functions. With `set search_path` a SQL function is never inlined, and
-- PostgreSQL 17 plans its body again in every transaction that calls it (private.clock() cost
-- 65 µs per spend); as PL/pgSQL their plans are cached per connection. Same results, same
-- volatility, same privileges.

create or replace function private.clock() returns timestamptz
language plpgsql stable set search_path = ''
as $$
begin
  if coalesce(current_setting('tollgate.clock', true), '') = '' then
    return now();
  end if;
  if exists (select 1 from private.test_clock) then
    return current_setting('tollgate.clock')::timestamptz;
  end if;
  return now();
end
$$;

create or replace function private.system_account(code text) returns uuid
language plpgsql immutable parallel safe set search_path = ''
as $$ begin return md5('tollgate-system-account:' || code)::uuid; end $$;

create or replace function private.is_trusted() returns boolean
language plpgsql stable set search_path = ''
as $$ begin return current_setting('role') in ('service_role', 'none'); end $$;

create or replace function private.available(account uuid) returns bigint
language plpgsql stable security definer set search_path = ''
as $$
begin
  return (select a.credits_posted - a.debits_posted - a.debits_pending from public.accounts a where a.id = account);
end
$$;

create or replace function private.default_priority(source text) returns smallint
language plpgsql immutable set search_path = ''
as $$
begin
  return case source when 'plan' then 30 when 'promo' then 20 when 'admin' then 10 else 0 end::smallint;
end
$$;

create or replace function private.request_api_key() returns uuid
language plpgsql stable set search_path = ''
as $$ begin return (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'api_key_id')::uuid; end $$;

create or replace function private.usage_month(at timestamptz) returns date
language plpgsql immutable parallel safe set search_path = ''
as $$ begin return date_trunc('month', at at time zone 'UTC')::date; end $$;

create or replace function private.lane_share(total bigint, lanes integer, lane integer) returns bigint
language plpgsql immutable parallel safe set search_path = ''
as $$ begin return total / lanes + case when lane < total % lanes then 1 else 0 end; end $$;

create or replace function private.subject_wallet(kind text, subject uuid) returns uuid
language plpgsql stable security definer set search_path = ''
as $$
begin
  return (select a.id from public.accounts a
          where (subject_wallet.kind = 'user' and a.user_id = subject_wallet.subject)
             or (subject_wallet.kind = 'org' and a.org_id = subject_wallet.subject));
end
$$;

create or replace function private.org_role(target_org uuid) returns text
language plpgsql stable security definer set search_path = ''
as $$
begin
  return (select m.role from public.organization_members m
          where m.org_id = target_org and m.user_id = (select auth.uid()));
end
$$;

create or replace function private.is_org_member(target_org uuid) returns boolean
language plpgsql stable security definer set search_path = ''
as $$
begin
  return exists (
    select 1 from public.organization_members m
    where m.org_id = target_org and m.user_id = (select auth.uid())
  );
end
$$;

create or replace function private.is_platform_admin() returns boolean
language plpgsql stable security definer set search_path = ''
as $$
begin
  return coalesce(
    (select p.is_platform_admin from public.profiles p where p.id = (select auth.uid())),
    false
  );
end
$$;

create or replace function public.local_session_active(p_session_id uuid, p_user_id uuid) returns boolean
language plpgsql stable security definer set search_path = ''
as $$
begin
  return exists (
    select 1 from private.local_sessions s
    where s.id = p_session_id and s.user_id = p_user_id and s.ended_at is null and s.expires_at > now());
end
$$;

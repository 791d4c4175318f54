-- API keys: programmatic access for users and orgs.
--
-- A key is `tg_<environment>_` followed by 43 random base62 characters. The app hashes it with
-- HMAC-SHA256 under a server secret before it reaches the database, so the table only ever holds
-- the hash and a short prefix for recognising the key. A key spends from its subject's wallet
-- (the user's, or the org's), carries scopes, its own monthly spend and per-minute limits, an
-- optional expiry and IP allowlist. Rotation keeps the previous hash valid for a chosen grace.
--
-- Who sees what: a user reads their own keys; org owners and admins read the org's keys. Never
-- the hash columns (column grants). Writes go through the functions below only; authenticating a
-- key is service only and is the one place that records when and from where a key was used.

-- ===================================================================== TABLES
create table public.api_keys (
  id uuid primary key default gen_random_uuid(),
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  created_by uuid not null references public.profiles (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 80),
  prefix text not null check (prefix ~ '^tg_(live|test)_[0-9A-Za-z]{4}$'),
  environment text not null check (environment in ('live', 'test')),
  secret_hash text not null unique check (secret_hash ~ '^[0-9a-f]{64}$'),
  previous_secret_hash text check (previous_secret_hash ~ '^[0-9a-f]{64}$'),
  previous_valid_until timestamptz,
  scopes text[] not null check (cardinality(scopes) between 1 and 4
    and scopes <@ array['ai:chat', 'ai:embeddings', 'credits:read', 'usage:read']::text[]),
  monthly_limit_micro_credits bigint
    check (monthly_limit_micro_credits is null or monthly_limit_micro_credits between 1 and 1000000000000000),
  requests_per_minute integer check (requests_per_minute is null or requests_per_minute between 1 and 100000),
  expires_at timestamptz,
  ip_allowlist cidr[] check (ip_allowlist is null or cardinality(ip_allowlist) between 1 and 50),
  last_used_at timestamptz,
  last_used_ip inet,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  -- The requests-per-minute counter: the UTC minute it counts and how many requests it let in.
  rate_window_start timestamptz,
  rate_window_count integer not null default 0,
  constraint api_keys_prefix_environment check (prefix like 'tg_' || environment || '_%')
);
comment on table public.api_keys is
  'API keys of users and orgs: HMAC-SHA256 of the secret (never the secret), prefix, scopes, limits.';
comment on column public.api_keys.previous_secret_hash is
  'After a rotation: the old secret''s hash, accepted until previous_valid_until.';
comment on column public.api_keys.created_by is
  'Who created the key; an org key stops working once they leave the org.';

/* What each key spent per UTC month: posted spends plus the holds still open, counted under the wallet lock. */
create table public.api_key_usage (
  api_key_id uuid not null references public.api_keys (id) on delete cascade,
  month date not null,
  used bigint not null default 0 check (used >= 0),
  primary key (api_key_id, month)
);
comment on table public.api_key_usage is
  'Micro-credits each API key spent per UTC month (open holds included); checked against its monthly limit.';

/* Open holds counted in a key's month, until settle or void replaces them by what was posted. */
create table public.api_key_holds (
  hold_id bigint primary key,
  api_key_id uuid not null references public.api_keys (id) on delete cascade,
  month date not null,
  amount bigint not null check (amount > 0)
);
comment on table public.api_key_holds is 'Holds counted in an API key''s month until they end.';

-- ===================================================================== INDEXES
create index api_keys_subject_idx on public.api_keys (subject_kind, subject_id);
create index api_keys_previous_secret_hash_idx on public.api_keys (previous_secret_hash)
  where previous_secret_hash is not null;

-- ===================================================================== RLS
alter table public.api_keys enable row level security;
revoke all on public.api_keys from public, anon, authenticated, service_role;
grant select (id, subject_kind, subject_id, created_by, name, prefix, environment, scopes,
              monthly_limit_micro_credits, requests_per_minute, expires_at, ip_allowlist, last_used_at,
              last_used_ip, revoked_at, created_at, previous_valid_until)
  on public.api_keys to authenticated;
grant select on public.api_keys to service_role;
alter table public.api_key_usage enable row level security;
revoke all on public.api_key_usage from public, anon, authenticated, service_role;
grant select on public.api_key_usage to authenticated, service_role;
alter table public.api_key_holds enable row level security;
revoke all on public.api_key_holds from public, anon, authenticated, service_role;
grant select on public.api_key_holds to service_role;
create policy api_key_usage_select on public.api_key_usage for select to authenticated
  using (exists (select 1 from public.api_keys k where k.id = api_key_id));
create policy api_keys_select on public.api_keys for select to authenticated
  using ((subject_kind = 'user' and subject_id = (select auth.uid()))
      or (subject_kind = 'org' and private.org_role(subject_id) in ('owner', 'admin')));

-- ===================================================================== FUNCTIONS
/* A user manages their own keys; an org's keys are managed by its owners and admins. */
create function private.assert_api_key_manager(kind text, subject uuid) returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  if kind = 'user' and subject is distinct from auth.uid() and not private.is_trusted() then
    perform private.fail('TG404', 'User not found.', jsonb_build_object('subjectKind', kind, 'subjectId', subject));
  end if;
  perform private.assert_subject(kind, subject);
  if kind = 'org' and not private.is_trusted() and coalesce(private.org_role(subject), '') not in ('owner', 'admin') then
    perform private.fail('TG403', 'Only org owners and admins manage the org''s API keys.', '{}'::jsonb);
  end if;
end
$$;
comment on function private.assert_api_key_manager(text, uuid) is
  'Fails unless the caller may manage the subject''s API keys (404 for strangers).';

/* Locks a key the caller manages; a key they may not manage is as missing as one that is not there. */
create function private.api_key_for_update(p_id uuid) returns public.api_keys
language plpgsql security definer set search_path = ''
as $$
declare
  k public.api_keys;
begin
  select * into k from public.api_keys a where a.id = p_id for update;
  if k.id is null or not (private.is_trusted()
      or (k.subject_kind = 'user' and k.subject_id = auth.uid())
      or (k.subject_kind = 'org' and coalesce(private.org_role(k.subject_id), '') in ('owner', 'admin'))) then
    perform private.fail('TG404', 'API key not found.', jsonb_build_object('id', p_id));
  end if;
  return k;
end
$$;
comment on function private.api_key_for_update(uuid) is 'The key, locked, when the caller manages it; else TG404.';

create function private.api_key_check_expiry(p_expires_at timestamptz) returns void
language plpgsql stable set search_path = ''
as $$
begin
  if p_expires_at is not null and p_expires_at <= private.clock() then
    perform private.fail('TG422', 'An expiry must be in the future.', jsonb_build_object('field', 'expiresAt'));
  end if;
end
$$;
comment on function private.api_key_check_expiry(timestamptz) is 'Fails TG422 for an expiry that is not in the future.';

create function public.api_key_create(
  p_subject_kind text, p_subject_id uuid, p_name text, p_environment text, p_prefix text, p_secret_hash text,
  p_scopes text[], p_monthly_limit_micro_credits bigint, p_requests_per_minute integer,
  p_expires_at timestamptz, p_ip_allowlist cidr[]
) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  created uuid;
begin
  if auth.uid() is null then
    perform private.fail('TG401', 'Sign in to manage API keys.', '{}'::jsonb);
  end if;
  perform private.assert_api_key_manager(p_subject_kind, p_subject_id);
  perform private.api_key_check_expiry(p_expires_at);
  -- One subject at a time, so two concurrent requests cannot both take the last slot.
  perform pg_advisory_xact_lock(hashtextextended('api_keys:' || p_subject_id::text, 0));
  if (select count(*) from public.api_keys k where k.subject_kind = p_subject_kind and k.subject_id = p_subject_id
        and k.revoked_at is null) >= 50 then
    perform private.fail('TG422', 'At most 50 active API keys per account; revoke one first.', '{}'::jsonb);
  end if;
  insert into public.api_keys (subject_kind, subject_id, created_by, name, prefix, environment, secret_hash, scopes,
                               monthly_limit_micro_credits, requests_per_minute, expires_at, ip_allowlist)
  values (p_subject_kind, p_subject_id, auth.uid(), btrim(p_name), p_prefix, p_environment, p_secret_hash, p_scopes,
          p_monthly_limit_micro_credits, p_requests_per_minute, p_expires_at, p_ip_allowlist)
  returning id into created;
  return created;
end
$$;
comment on function public.api_key_create(text, uuid, text, text, text, text, text[], bigint, integer, timestamptz, cidr[]) is
  'Creates an API key for the caller or an org they own or administer; takes the hash, never the secret.';

create function public.api_key_update(p_id uuid, p_patch jsonb) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  k public.api_keys := private.api_key_for_update(p_id);
begin
  if k.revoked_at is not null then
    perform private.fail('TG422', 'A revoked key cannot be changed.', jsonb_build_object('id', p_id));
  end if;
  if p_patch ? 'expiresAt' then
    perform private.api_key_check_expiry((p_patch ->> 'expiresAt')::timestamptz);
  end if;
  update public.api_keys a set
    name = case when p_patch ? 'name' then btrim(p_patch ->> 'name') else a.name end,
    scopes = case when p_patch ? 'scopes'
                  then array(select jsonb_array_elements_text(p_patch -> 'scopes')) else a.scopes end,
    monthly_limit_micro_credits = case when p_patch ? 'monthlyLimitMicroCredits'
                  then (p_patch ->> 'monthlyLimitMicroCredits')::bigint else a.monthly_limit_micro_credits end,
    requests_per_minute = case when p_patch ? 'requestsPerMinute'
                  then (p_patch ->> 'requestsPerMinute')::integer else a.requests_per_minute end,
    expires_at = case when p_patch ? 'expiresAt' then (p_patch ->> 'expiresAt')::timestamptz else a.expires_at end,
    ip_allowlist = case when not p_patch ? 'ipAllowlist' then a.ip_allowlist
                        when jsonb_typeof(p_patch -> 'ipAllowlist') = 'null' then null
                        else array(select jsonb_array_elements_text(p_patch -> 'ipAllowlist')::cidr) end
  where a.id = p_id;
  return p_id;
end
$$;
comment on function public.api_key_update(uuid, jsonb) is
  'Changes a key''s name, scopes, limits, expiry or allowlist (keys present in the patch; null clears).';

create function public.api_key_revoke(p_id uuid) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  k public.api_keys := private.api_key_for_update(p_id);
begin
  update public.api_keys a set revoked_at = coalesce(a.revoked_at, now()) where a.id = k.id;
  return k.id;
end
$$;
comment on function public.api_key_revoke(uuid) is 'Revokes a key at once (its previous secret too); revoking twice is a no-op.';

create function public.api_key_rotate(p_id uuid, p_prefix text, p_secret_hash text, p_grace_seconds integer)
returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  k public.api_keys := private.api_key_for_update(p_id);
begin
  if k.revoked_at is not null then
    perform private.fail('TG422', 'A revoked key cannot be rotated.', jsonb_build_object('id', p_id));
  end if;
  if p_grace_seconds is null or p_grace_seconds not between 0 and 604800 then
    perform private.fail('TG422', 'The grace period is 0 to 604800 seconds (7 days).',
      jsonb_build_object('field', 'graceSeconds'));
  end if;
  update public.api_keys a
  set previous_secret_hash = a.secret_hash,
      previous_valid_until = private.clock() + make_interval(secs => p_grace_seconds),
      secret_hash = p_secret_hash, prefix = p_prefix
  where a.id = k.id;
  return k.id;
end
$$;
comment on function public.api_key_rotate(uuid, text, text, integer) is
  'Gives a key a new secret; the old one keeps working for the grace period (0 to 7 days).';

create function public.api_key_list(p_subject_kind text, p_subject_id uuid)
returns table (id uuid, subject_kind text, subject_id uuid, name text, prefix text, environment text, scopes text[],
               monthly_limit_micro_credits bigint, requests_per_minute integer, expires_at timestamptz,
               ip_allowlist cidr[], last_used_at timestamptz, last_used_ip inet, revoked_at timestamptz,
               previous_valid_until timestamptz, created_at timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_api_key_manager(p_subject_kind, p_subject_id);
  return query
  select k.id, k.subject_kind, k.subject_id, k.name, k.prefix, k.environment, k.scopes,
         k.monthly_limit_micro_credits, k.requests_per_minute, k.expires_at, k.ip_allowlist, k.last_used_at,
         k.last_used_ip, k.revoked_at, k.previous_valid_until, k.created_at
  from public.api_keys k
  where k.subject_kind = p_subject_kind and k.subject_id = p_subject_id
  order by k.created_at desc, k.id;
end
$$;
comment on function public.api_key_list(text, uuid) is 'The subject''s API keys, never their hashes.';

/*
 * Service only: the key a secret's hash names, when it may be used now from p_ip, with the wallet
 * it spends from; its use is recorded. Otherwise one row with only `refusal` set and nothing
 * written: 'invalid' (no such key, or an old secret past its grace), 'revoked', 'expired',
 * 'inactive' (an org key whose creator left the org), 'ip_not_allowed', or 'rate_limited' (the
 * key's requests this UTC minute reached its limit; `retry_after` seconds until the next minute).
 */
create function public.api_key_authenticate(p_secret_hash text, p_ip inet)
returns table (refusal text, id uuid, subject_kind text, subject_id uuid, created_by uuid, environment text,
               scopes text[], monthly_limit_micro_credits bigint, requests_per_minute integer, wallet_id uuid,
               retry_after integer)
language plpgsql security definer set search_path = ''
as $$
declare
  k public.api_keys;
  now_at timestamptz := private.clock();
  minute timestamptz := date_trunc('minute', now_at);
begin
  select * into k from public.api_keys a where a.secret_hash = p_secret_hash;
  if k.id is null then
    select * into k from public.api_keys a
    where a.previous_secret_hash = p_secret_hash and a.previous_valid_until > now_at;
  end if;
  refusal := case
    when k.id is null then 'invalid'
    when k.revoked_at is not null then 'revoked'
    when k.expires_at is not null and k.expires_at <= now_at then 'expired'
    when k.subject_kind = 'org' and not exists (select 1 from public.organization_members m
                                                where m.org_id = k.subject_id and m.user_id = k.created_by)
      then 'inactive'
    when k.ip_allowlist is not null and (p_ip is null or not p_ip <<= any (k.ip_allowlist)) then 'ip_not_allowed'
  end;
  if refusal is not null then
    return next;
    return;
  end if;
  if k.requests_per_minute is not null then
    -- One guarded update counts the request: concurrent requests queue on the row and re-check.
    update public.api_keys a
    set rate_window_count = case when a.rate_window_start = minute then a.rate_window_count + 1 else 1 end,
        rate_window_start = minute, last_used_at = now_at, last_used_ip = p_ip
    where a.id = k.id
      and (a.rate_window_start is distinct from minute or a.rate_window_count < a.requests_per_minute);
    if not found then
      refusal := 'rate_limited';
      requests_per_minute := k.requests_per_minute;
      retry_after := greatest(1, ceil(extract(epoch from (minute + interval '1 minute' - now_at))))::integer;
      return next;
      return;
    end if;
  else
    -- Once a second is enough: a busy key does not queue every request on its row.
    update public.api_keys a set last_used_at = now_at, last_used_ip = p_ip
    where a.id = k.id
      and (a.last_used_at is null or a.last_used_at < now_at - interval '1 second' or a.last_used_ip is distinct from p_ip);
  end if;
  id := k.id; subject_kind := k.subject_kind; subject_id := k.subject_id; created_by := k.created_by;
  environment := k.environment; scopes := k.scopes;
  monthly_limit_micro_credits := k.monthly_limit_micro_credits; requests_per_minute := k.requests_per_minute;
  wallet_id := private.subject_wallet(k.subject_kind, k.subject_id);
  return next;
end
$$;
comment on function public.api_key_authenticate(text, inet) is
  'Service only: the usable key for a secret hash from an address (recording its use and counting its minute), or a refusal reason.';

-- ===================================================================== LEDGER HOOK HANDLERS
/* The API key of the request, from the verified claims the server set (null for a session). */
create function private.request_api_key() returns uuid
language sql stable set search_path = ''
as $$ select (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'api_key_id')::uuid $$;
comment on function private.request_api_key() is
  'The api_key_id claim of the current request (set by the server for key-authenticated calls), or null.';

/*
 * Attached to private.after_debit: counts what a request made with an API key took (a spend, or
 * a hold until it ends) against the key's month, under the wallet lock; past the key's monthly
 * limit the whole debit rolls back (TG402, reason key_limit). A hold remembers its key.
 */
create function private.count_api_key_debit(amount bigint, hold bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  key uuid := private.request_api_key();
  cap bigint;
  usage_key date;
  counted bigint;
begin
  if key is null then
    return;
  end if;
  usage_key := private.usage_month(private.clock());
  select k.monthly_limit_micro_credits into cap from public.api_keys k where k.id = key;
  if cap is null or amount <= cap then
    insert into public.api_key_usage as u (api_key_id, month, used)
    values (key, usage_key, amount)
    on conflict (api_key_id, month) do update set used = u.used + excluded.used
      where cap is null or u.used + excluded.used <= cap
    returning u.used into counted;
  end if;
  if counted is null then
    select coalesce(max(u.used), 0) into counted from public.api_key_usage u
    where u.api_key_id = key and u.month = usage_key;
    perform private.fail('TG402',
      format('The API key''s monthly limit is reached: %s micro-credits needed, %s of %s used this month.',
             amount, counted, cap),
      jsonb_build_object('reason', 'key_limit', 'limit', cap::text, 'used', counted::text,
                         'needed', amount::text, 'available', greatest(cap - counted, 0)::text));
  end if;
  if hold is not null then
    insert into public.api_key_holds (hold_id, api_key_id, month, amount) values (hold, key, usage_key, amount);
    update public.holds h set api_key_id = key where h.id = hold;
  end if;
end
$$;
comment on function private.count_api_key_debit(bigint, bigint) is
  'Counts a key-authenticated spend or hold against the key''s month; TG402 past its monthly limit.';

/* Corrects a key's month once a hold it placed is settled (by what it posted) or voided. */
create function private.release_api_key_hold(hold bigint, posted bigint) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  counted public.api_key_holds;
begin
  delete from public.api_key_holds h where h.hold_id = hold returning * into counted;
  if not found then
    return;
  end if;
  update public.api_key_usage u set used = greatest(u.used + posted - counted.amount, 0)
  where u.api_key_id = counted.api_key_id and u.month = counted.month;
end
$$;
comment on function private.release_api_key_hold(bigint, bigint) is
  'Replaces a key''s counted hold in its month by what was actually posted.';

-- ===================================================================== PRIVILEGES
revoke all on function
  private.assert_api_key_manager(text, uuid),
  private.api_key_for_update(uuid),
  private.api_key_check_expiry(timestamptz)
from public, anon;
-- Hook handlers run only inside the ledger's functions (as their owner).
revoke all on function
  private.count_api_key_debit(bigint, bigint),
  private.release_api_key_hold(bigint, bigint)
from public, anon, authenticated, service_role;
revoke all on function
  public.api_key_create(text, uuid, text, text, text, text, text[], bigint, integer, timestamptz, cidr[]),
  public.api_key_update(uuid, jsonb),
  public.api_key_revoke(uuid),
  public.api_key_rotate(uuid, text, text, integer),
  public.api_key_list(text, uuid),
  public.api_key_authenticate(text, inet)
from public, anon, authenticated;
-- Checks inside: the user for their own keys, org owners and admins for the org's.
grant execute on function
  public.api_key_create(text, uuid, text, text, text, text, text[], bigint, integer, timestamptz, cidr[]),
  public.api_key_update(uuid, jsonb),
  public.api_key_revoke(uuid),
  public.api_key_rotate(uuid, text, text, integer),
  public.api_key_list(text, uuid)
to authenticated, service_role;
grant execute on function public.api_key_authenticate(text, inet) to service_role;

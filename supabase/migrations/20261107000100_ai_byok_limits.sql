-- AI gateway, BYOK part 2: an optional monthly spending limit and an expiry per provider key.
-- The gateway only receives a key that has not expired and whose BYOK provider cost this UTC
-- month is below its limit; otherwise the call falls back to the platform key and credits.

-- ===================================================================== TABLES
alter table public.ai_provider_keys
  add column monthly_limit_micro_usd bigint
    check (monthly_limit_micro_usd is null or monthly_limit_micro_usd between 1 and 1000000000000000),
  add column expires_at timestamptz;
comment on column public.ai_provider_keys.monthly_limit_micro_usd is
  'Optional: provider cost (micro-USD) the key may carry per UTC month; null = no limit.';
comment on column public.ai_provider_keys.expires_at is 'Optional: after this instant the key is not used.';

-- ===================================================================== FUNCTIONS
/* Sets (or clears, with nulls) the monthly limit and expiry of the subject's key for a provider. */
create function public.ai_key_set_limits(p_subject_kind text, p_subject_id uuid, p_provider text,
                                         p_monthly_limit_micro_usd bigint, p_expires_at timestamptz)
returns boolean
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_key_manager(p_subject_kind, p_subject_id);
  if p_monthly_limit_micro_usd is not null
     and p_monthly_limit_micro_usd not between 1 and 1000000000000000 then
    perform private.fail('TG422', 'A monthly limit is more than 0 and at most 10^9 USD.',
      jsonb_build_object('field', 'monthlyLimitMicroUsd'));
  end if;
  if p_expires_at is not null and p_expires_at <= private.clock() then
    perform private.fail('TG422', 'An expiry must be in the future.', jsonb_build_object('field', 'expiresAt'));
  end if;
  update public.ai_provider_keys k
  set monthly_limit_micro_usd = p_monthly_limit_micro_usd, expires_at = p_expires_at
  where k.subject_kind = p_subject_kind and k.subject_id = p_subject_id and k.provider = p_provider;
  return found;
end
$$;
comment on function public.ai_key_set_limits(text, uuid, text, bigint, timestamptz) is
  'Sets the monthly limit (micro-USD) and expiry of the subject''s key for a provider.';

-- The list gains the limit and expiry: a new return type needs a new function.
drop function public.ai_key_list(text, uuid);
create function public.ai_key_list(p_subject_kind text, p_subject_id uuid)
returns table (id uuid, provider text, key_hint text, created_at timestamptz, monthly_limit_micro_usd bigint,
               expires_at timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_subject(p_subject_kind, p_subject_id, true);
  return query select k.id, k.provider, k.key_hint, k.created_at, k.monthly_limit_micro_usd, k.expires_at
  from public.ai_provider_keys k
  where k.subject_kind = p_subject_kind and k.subject_id = p_subject_id order by k.provider;
end
$$;
comment on function public.ai_key_list(text, uuid) is
  'The subject''s stored keys: provider, hint, monthly limit and expiry, never the key.';

/* Service only: the ciphertext, unless the key expired or spent its monthly limit. */
create or replace function public.ai_key_secret(p_subject_kind text, p_subject_id uuid, p_provider text)
returns text
language sql stable security definer set search_path = ''
as $$
  select k.ciphertext from public.ai_provider_keys k
  where k.subject_kind = p_subject_kind and k.subject_id = p_subject_id and k.provider = p_provider
    and (k.expires_at is null or k.expires_at > private.clock())
    and (k.monthly_limit_micro_usd is null or k.monthly_limit_micro_usd > (
      select coalesce(sum(e.provider_cost_micro_usd), 0) from public.usage_events e
      where e.subject_kind = p_subject_kind and e.subject_id = p_subject_id and e.provider = p_provider
        and e.source = 'byok'
        and e.occurred_at >= date_trunc('month', private.clock() at time zone 'UTC') at time zone 'UTC'))
$$;
comment on function public.ai_key_secret(text, uuid, text) is
  'Service only: the encrypted key the gateway decrypts, unless expired or over its monthly limit.';

-- ===================================================================== PRIVILEGES
revoke all on function public.ai_key_set_limits(text, uuid, text, bigint, timestamptz),
  public.ai_key_list(text, uuid), public.ai_key_secret(text, uuid, text)
from public, anon, authenticated;
-- Checks inside: the user for their own keys, org owners and admins for the org's.
grant execute on function public.ai_key_set_limits(text, uuid, text, bigint, timestamptz),
  public.ai_key_list(text, uuid)
to authenticated, service_role;
grant execute on function public.ai_key_secret(text, uuid, text) to service_role;

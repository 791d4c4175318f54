-- AI gateway, part 2: the response cache. An exact-match cache of answers, keyed by a hash of
-- model + normalized input + parameters and scoped to one subject (a user's answers are never
-- served to another user or org). A hit is recorded as cached usage and charged by the policy
-- in ai_settings (cache_hit_charge_bps of the normal price; 0 = free, the default).

-- ===================================================================== TABLES
alter table public.ai_settings
  add column cache_hit_charge_bps integer not null default 0 check (cache_hit_charge_bps between 0 and 10000);
comment on column public.ai_settings.cache_hit_charge_bps is
  'Share of the normal price a cache hit is charged, in basis points (0 = free).';

create table public.ai_response_cache (
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  cache_key text not null check (cache_key ~ '^[0-9a-f]{64}$'),
  operation text not null check (operation in ('chat', 'completion', 'embedding')),
  model_id text not null references public.ai_models (id) on delete cascade,
  response text not null check (char_length(response) <= 200000),
  input_tokens integer not null check (input_tokens >= 0),
  output_tokens integer not null check (output_tokens >= 0),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (subject_kind, subject_id, cache_key)
);
comment on table public.ai_response_cache is
  'Cached AI answers per subject; read and written only through ai_cache_get / ai_cache_put.';

-- ===================================================================== INDEXES
create index ai_response_cache_expiry on public.ai_response_cache (expires_at);

-- ===================================================================== RLS
alter table public.ai_response_cache enable row level security;
revoke all on public.ai_response_cache from public, anon, authenticated, service_role;

-- ===================================================================== FUNCTIONS
/* The live cached answer for the subject and key, if any. */
create function public.ai_cache_get(p_subject_kind text, p_subject_id uuid, p_cache_key text)
returns table (response text, model_id text, input_tokens integer, output_tokens integer, charge_bps integer)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_subject(p_subject_kind, p_subject_id);
  return query
  select c.response, c.model_id, c.input_tokens, c.output_tokens,
         (select s.cache_hit_charge_bps from public.ai_settings s limit 1)
  from public.ai_response_cache c
  where c.subject_kind = p_subject_kind and c.subject_id = p_subject_id and c.cache_key = p_cache_key
    and c.expires_at > private.clock();
end
$$;
comment on function public.ai_cache_get(text, uuid, text) is
  'A live cached answer of the subject (callers may act for it), with the hit charge policy.';

/* Stores (or refreshes) an answer for the subject; expired rows of the subject are dropped. */
create function public.ai_cache_put(
  p_subject_kind text, p_subject_id uuid, p_cache_key text, p_operation text, p_model_id text,
  p_response text, p_input_tokens integer, p_output_tokens integer, p_ttl_seconds integer
) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_subject(p_subject_kind, p_subject_id);
  if p_ttl_seconds is null or p_ttl_seconds not between 1 and 604800 then
    perform private.fail('TG422', 'A cached answer lives between 1 second and 7 days.',
      jsonb_build_object('field', 'ttl_seconds'));
  end if;
  delete from public.ai_response_cache c
  where c.subject_kind = p_subject_kind and c.subject_id = p_subject_id and c.expires_at <= private.clock();
  insert into public.ai_response_cache as c (subject_kind, subject_id, cache_key, operation, model_id, response,
                                             input_tokens, output_tokens, expires_at)
  values (p_subject_kind, p_subject_id, p_cache_key, p_operation, p_model_id, p_response, p_input_tokens,
          p_output_tokens, private.clock() + make_interval(secs => p_ttl_seconds))
  on conflict (subject_kind, subject_id, cache_key) do update
  set response = excluded.response, model_id = excluded.model_id, input_tokens = excluded.input_tokens,
      output_tokens = excluded.output_tokens, created_at = now(), expires_at = excluded.expires_at;
end
$$;
comment on function public.ai_cache_put(text, uuid, text, text, text, text, integer, integer, integer) is
  'Stores an answer in the subject''s cache for p_ttl_seconds.';

-- ===================================================================== PRIVILEGES
revoke all on function
  public.ai_cache_get(text, uuid, text),
  public.ai_cache_put(text, uuid, text, text, text, text, integer, integer, integer)
from public, anon;
grant execute on function
  public.ai_cache_get(text, uuid, text),
  public.ai_cache_put(text, uuid, text, text, text, text, integer, integer, integer)
to authenticated, service_role;

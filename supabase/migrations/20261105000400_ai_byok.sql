-- AI gateway, part 4: bring your own key (BYOK). A user or an org stores a provider API key; the
-- app encrypts it (AES-256-GCM with ENCRYPTION_KEY) before it reaches the database, so the table
-- only ever holds ciphertext and a hint (last 4 characters). Nobody reads the table directly:
-- listing returns hints, and only the service (the gateway) can fetch the ciphertext.

-- ===================================================================== TABLES
create table public.ai_provider_keys (
  id uuid primary key default gen_random_uuid(),
  subject_kind text not null check (subject_kind in ('user', 'org')),
  subject_id uuid not null,
  provider text not null check (provider in ('openai', 'anthropic', 'google')),
  ciphertext text not null check (ciphertext ~ '^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$'),
  key_hint text not null check (char_length(key_hint) between 1 and 8),
  created_by uuid,
  created_at timestamptz not null default now(),
  constraint ai_provider_keys_one unique (subject_kind, subject_id, provider)
);
comment on table public.ai_provider_keys is
  'Encrypted provider keys of users and orgs (BYOK). Never returned after creation; hints only.';

-- ===================================================================== RLS
alter table public.ai_provider_keys enable row level security;
revoke all on public.ai_provider_keys from public, anon, authenticated, service_role;

-- ===================================================================== FUNCTIONS
/* A user manages their own keys; an org's keys are managed by its owners and admins. */
create function private.assert_key_manager(kind text, subject uuid) returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_subject(kind, subject);
  if kind = 'org' and not private.is_trusted() and coalesce(private.org_role(subject), '') not in ('owner', 'admin') then
    perform private.fail('TG403', 'Only org owners and admins manage the org''s provider keys.', '{}'::jsonb);
  end if;
end
$$;
comment on function private.assert_key_manager(text, uuid) is 'Fails unless the caller may manage the subject''s keys.';

create function public.ai_key_save(p_subject_kind text, p_subject_id uuid, p_provider text, p_ciphertext text,
                                   p_key_hint text)
returns table (id uuid, provider text, key_hint text, created_at timestamptz)
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_key_manager(p_subject_kind, p_subject_id);
  return query
  insert into public.ai_provider_keys as k (subject_kind, subject_id, provider, ciphertext, key_hint, created_by)
  values (p_subject_kind, p_subject_id, p_provider, p_ciphertext, p_key_hint, auth.uid())
  on conflict on constraint ai_provider_keys_one do update
  set ciphertext = excluded.ciphertext, key_hint = excluded.key_hint, created_by = excluded.created_by,
      created_at = now()
  returning k.id, k.provider, k.key_hint, k.created_at;
end
$$;
comment on function public.ai_key_save(text, uuid, text, text, text) is
  'Stores (or replaces) the subject''s encrypted key for a provider; returns the hint only.';

create function public.ai_key_list(p_subject_kind text, p_subject_id uuid)
returns table (id uuid, provider text, key_hint text, created_at timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_subject(p_subject_kind, p_subject_id, true);
  return query select k.id, k.provider, k.key_hint, k.created_at from public.ai_provider_keys k
  where k.subject_kind = p_subject_kind and k.subject_id = p_subject_id order by k.provider;
end
$$;
comment on function public.ai_key_list(text, uuid) is 'The subject''s stored keys: provider and hint, never the key.';

create function public.ai_key_delete(p_subject_kind text, p_subject_id uuid, p_provider text)
returns boolean
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_key_manager(p_subject_kind, p_subject_id);
  delete from public.ai_provider_keys k
  where k.subject_kind = p_subject_kind and k.subject_id = p_subject_id and k.provider = p_provider;
  return found;
end
$$;
comment on function public.ai_key_delete(text, uuid, text) is 'Removes the subject''s key for a provider.';

/* Service only: the ciphertext for the gateway, after it checked the caller may act for the subject. */
create function public.ai_key_secret(p_subject_kind text, p_subject_id uuid, p_provider text)
returns text
language sql stable security definer set search_path = ''
as $$
  select k.ciphertext from public.ai_provider_keys k
  where k.subject_kind = p_subject_kind and k.subject_id = p_subject_id and k.provider = p_provider
$$;
comment on function public.ai_key_secret(text, uuid, text) is 'Service only: the encrypted key the gateway decrypts.';

-- ===================================================================== PRIVILEGES
revoke all on function private.assert_key_manager(text, uuid) from public, anon;
revoke all on function
  public.ai_key_save(text, uuid, text, text, text),
  public.ai_key_list(text, uuid),
  public.ai_key_delete(text, uuid, text),
  public.ai_key_secret(text, uuid, text)
from public, anon, authenticated;
grant execute on function
  public.ai_key_save(text, uuid, text, text, text),
  public.ai_key_list(text, uuid),
  public.ai_key_delete(text, uuid, text)
to authenticated, service_role;
grant execute on function public.ai_key_secret(text, uuid, text) to service_role;

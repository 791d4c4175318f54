-- AI gateway, media and safety: image and transcription models (priced per image and per audio
-- second in ai_model_prices.per_image / per_audio_second, which the catalog already carries), and
-- the platform switch for content moderation. Moderation runs only where an OpenAI key allows it
-- (the platform's or the subject's own); the switch is on by default.

-- ===================================================================== TABLES
alter table public.ai_models drop constraint ai_models_capabilities_check;
alter table public.ai_models add constraint ai_models_capabilities_check
  check (capabilities <@ array['chat', 'completion', 'embedding', 'vision', 'tools', 'audio',
                               'image', 'transcription']::text[]);

alter table public.ai_settings
  add column moderation_enabled boolean not null default true;
comment on column public.ai_settings.moderation_enabled is
  'Moderate AI input (and non-streamed output) when an OpenAI key is available; on by default.';

-- ===================================================================== FUNCTIONS
create function public.ai_moderation_set(p_enabled boolean)
returns public.ai_settings
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.ai_settings;
begin
  perform private.assert_ai_admin();
  if p_enabled is null then
    perform private.fail('TG422', 'Say whether moderation is on or off.', jsonb_build_object('field', 'enabled'));
  end if;
  update public.ai_settings s set moderation_enabled = p_enabled, updated_at = now()
  returning * into saved;
  return saved;
end
$$;
comment on function public.ai_moderation_set(boolean) is
  'Platform admins: turns content moderation of AI calls on or off.';

-- ===================================================================== PRIVILEGES
revoke all on function public.ai_moderation_set(boolean) from public, anon;
grant execute on function public.ai_moderation_set(boolean) to authenticated, service_role;

-- ===================================================================== SEED
-- Public list prices in micro-USD: gpt-image-1 at 1024x1024 medium quality 0.042 USD per image,
-- dall-e-3 standard 1024x1024 0.040 USD, whisper-1 0.006 USD per minute (100 per second),
-- gpt-4o-mini-transcribe 0.003 USD per minute (50 per second). The local demo models are cheap.
insert into public.ai_models (id, provider, provider_model_id, display_name, capabilities, context_window,
                              max_output_tokens, sort_order)
values
  ('local-image', 'local', 'local-image', 'Tollgate Local Images (demo)', '{image}', 4096, 1, 6),
  ('local-transcribe', 'local', 'local-transcribe', 'Tollgate Local Transcription (demo)', '{transcription}', 4096, 1, 7),
  ('gpt-image-1', 'openai', 'gpt-image-1', 'GPT Image 1', '{image}', 32000, 1, 16),
  ('dall-e-3', 'openai', 'dall-e-3', 'DALL·E 3', '{image}', 4000, 1, 17),
  ('whisper-1', 'openai', 'whisper-1', 'Whisper', '{transcription}', 4096, 1, 18),
  ('gpt-4o-mini-transcribe', 'openai', 'gpt-4o-mini-transcribe', 'GPT-4o mini Transcribe', '{transcription}', 16000, 1, 19)
on conflict (id) do nothing;

insert into public.ai_model_prices (model_id, input_per_mtok, cached_input_per_mtok, output_per_mtok,
                                    per_image, per_audio_second, effective_from)
values
  ('local-image', 0, 0, 0, 2000, 0, '2026-01-01T00:00:00Z'),
  ('local-transcribe', 0, 0, 0, 0, 20, '2026-01-01T00:00:00Z'),
  ('gpt-image-1', 0, 0, 0, 42000, 0, '2026-01-01T00:00:00Z'),
  ('dall-e-3', 0, 0, 0, 40000, 0, '2026-01-01T00:00:00Z'),
  ('whisper-1', 0, 0, 0, 0, 100, '2026-01-01T00:00:00Z'),
  ('gpt-4o-mini-transcribe', 0, 0, 0, 0, 50, '2026-01-01T00:00:00Z')
on conflict (model_id, effective_from) do nothing;

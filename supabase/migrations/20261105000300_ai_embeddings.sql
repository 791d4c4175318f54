-- AI gateway, part 3: embedding models, and the call context reports a model's capabilities so
-- the gateway refuses an operation the model cannot do (a chat with an embedding model, say).

-- ===================================================================== FUNCTIONS
drop function public.ai_call_context(text, uuid, text, text);

/*
 * Everything a metered call needs, in one round trip: the model and its capabilities, the price
 * in force now, the conversion settings and the first kill switch blocking this subject's call.
 */
create function public.ai_call_context(p_subject_kind text, p_subject_id uuid, p_model text, p_feature text)
returns table (model_id text, provider text, provider_model_id text, display_name text, capabilities text[],
               context_window integer, max_output_tokens integer, price_id bigint, input_per_mtok bigint,
               cached_input_per_mtok bigint, output_per_mtok bigint, credits_per_usd bigint,
               markup_bps integer, blocked_scope text, blocked_reason text)
language plpgsql stable security definer set search_path = ''
as $$
declare
  m public.ai_models;
  p public.ai_model_prices;
  s public.ai_settings;
  plan_id text;
  blocked public.ai_feature_flags;
begin
  perform private.assert_subject(p_subject_kind, p_subject_id);
  select * into m from public.ai_models x where x.id = p_model and x.is_active;
  if not found then
    perform private.fail('TG404', 'That model is not available.', jsonb_build_object('model', p_model));
  end if;
  select * into p from public.ai_model_prices x
  where x.model_id = m.id and x.effective_from <= private.clock()
  order by x.effective_from desc limit 1;
  if not found then
    perform private.fail('TG404', 'That model has no price yet.', jsonb_build_object('model', p_model));
  end if;
  select * into s from public.ai_settings limit 1;
  select sp.plan_id into plan_id from private.subject_plan(p_subject_kind, p_subject_id, private.clock()) sp;
  select * into blocked from public.ai_feature_flags f
  where not f.enabled and ((f.scope = 'feature' and f.key = p_feature)
     or (f.scope = 'model' and f.key = m.id) or (f.scope = 'plan' and f.key = plan_id))
  order by f.scope limit 1;
  return query select m.id, m.provider, m.provider_model_id, m.display_name, m.capabilities, m.context_window,
    m.max_output_tokens, p.id, p.input_per_mtok, p.cached_input_per_mtok, p.output_per_mtok,
    s.credits_per_usd, s.markup_bps, blocked.scope, blocked.reason;
end
$$;
comment on function public.ai_call_context(text, uuid, text, text) is
  'The model, its capabilities and price in force, credit settings and any kill switch blocking the call.';

-- ===================================================================== PRIVILEGES
revoke all on function public.ai_call_context(text, uuid, text, text) from public, anon;
grant execute on function public.ai_call_context(text, uuid, text, text) to authenticated, service_role;

-- ===================================================================== SEED
insert into public.ai_models (id, provider, provider_model_id, display_name, capabilities, context_window,
                              max_output_tokens, sort_order)
values
  ('local-embed', 'local', 'local-embed', 'Tollgate Local Embeddings (demo)', '{embedding}', 8191, 1, 5),
  ('text-embedding-3-small', 'openai', 'text-embedding-3-small', 'OpenAI text-embedding-3-small', '{embedding}', 8191, 1, 15);

insert into public.ai_model_prices (model_id, input_per_mtok, cached_input_per_mtok, output_per_mtok, effective_from)
values
  ('local-embed', 20000, 20000, 0, '2026-01-01T00:00:00Z'),
  ('text-embedding-3-small', 20000, 20000, 0, '2026-01-01T00:00:00Z');

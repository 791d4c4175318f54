-- Usage metrics, part 2: stats read from the rollups only, so they stay fast at millions of
-- events (the raw events are never scanned here).

-- ===================================================================== FUNCTIONS
/*
 * Usage of a subject over whole UTC days [from, to], read from the rollups only: one row per
 * day, provider/model, feature, operation (category) and source, a total row, and — for org
 * owners and admins, platform admins and the service — one row per member.
 */
create function public.usage_stats(p_subject_kind text, p_subject_id uuid, p_from date, p_to date)
returns table (dimension text, key text, provider text, events bigint, errors bigint, cached_events bigint,
               input_tokens bigint, output_tokens bigint, cached_tokens bigint, characters bigint, images bigint,
               audio_seconds numeric, video_seconds numeric, avg_latency_ms bigint,
               provider_cost_micro_usd bigint, credits_charged bigint)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.assert_subject(p_subject_kind, p_subject_id, true);
  if p_from is null or p_to is null or p_to < p_from or p_to - p_from > 400 then
    perform private.fail('TG422', 'Choose a period of at most 400 days that ends after it starts.',
      jsonb_build_object('field', 'period'));
  end if;
  return query
  select case when grouping(d.day) = 0 then 'day' when grouping(d.model) = 0 then 'model'
              when grouping(d.feature) = 0 then 'feature' when grouping(d.operation) = 0 then 'category'
              when grouping(d.source) = 0 then 'source' else 'total' end,
         coalesce(to_char(d.day, 'YYYY-MM-DD'), d.model, d.feature, d.operation, d.source, 'total'),
         d.provider,
         coalesce(sum(d.events), 0)::bigint, coalesce(sum(d.errors), 0)::bigint,
         coalesce(sum(d.cached_events), 0)::bigint, coalesce(sum(d.input_tokens), 0)::bigint,
         coalesce(sum(d.output_tokens), 0)::bigint, coalesce(sum(d.cached_tokens), 0)::bigint,
         coalesce(sum(d.characters), 0)::bigint, coalesce(sum(d.images), 0)::bigint,
         coalesce(sum(d.audio_seconds), 0), coalesce(sum(d.video_seconds), 0),
         round(sum(d.latency_ms_sum)::numeric / nullif(sum(d.latency_events), 0))::bigint,
         coalesce(sum(d.provider_cost_micro_usd), 0)::bigint, coalesce(sum(d.credits_charged), 0)::bigint
  from public.usage_daily d
  where d.subject_kind = p_subject_kind and d.subject_id = p_subject_id and d.day between p_from and p_to
  group by grouping sets ((d.day), (d.provider, d.model), (d.feature), (d.operation), (d.source), ());

  if p_subject_kind = 'org' and (private.is_trusted() or private.is_platform_admin()
                                 or private.org_role(p_subject_id) in ('owner', 'admin')) then
    return query
    select 'member', m.actor_id::text, null::text, sum(m.events)::bigint, sum(m.errors)::bigint, null::bigint,
           sum(m.input_tokens)::bigint, sum(m.output_tokens)::bigint, sum(m.cached_tokens)::bigint, null::bigint,
           null::bigint, null::numeric, null::numeric, null::bigint, sum(m.provider_cost_micro_usd)::bigint,
           sum(m.credits_charged)::bigint
    from public.usage_daily_members m
    where m.subject_kind = p_subject_kind and m.subject_id = p_subject_id and m.day between p_from and p_to
    group by m.actor_id;
  end if;
end
$$;
comment on function public.usage_stats(text, uuid, date, date) is
  'Usage of a subject over UTC days from the rollups: by day, model, feature, category, source, member, total.';

-- ===================================================================== PRIVILEGES
revoke all on function public.usage_stats(text, uuid, date, date) from public, anon, authenticated;
-- Checks inside: the user, org members (member rows for owners/admins), platform admins.
grant execute on function public.usage_stats(text, uuid, date, date) to authenticated, service_role;

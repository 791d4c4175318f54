-- Plans, part 3: the functions platform admins edit the price list with — plans, their per-feature
-- allowances and the token types' cost per action. Each checks its caller inside; the check
-- constraints of the tables guard the values.

-- ===================================================================== FUNCTIONS
create function private.assert_plan_admin() returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.is_trusted() and not private.is_platform_admin() then
    perform private.fail('TG403', 'Only platform admins edit plans.', '{}'::jsonb);
  end if;
end
$$;
comment on function private.assert_plan_admin() is 'Fails TG403 unless the caller is a platform admin or trusted.';

/* Creates or replaces a plan (every term at once; the check constraints guard the values). */
create function public.plan_upsert(
  p_id text, p_name text, p_description text, p_tier smallint, p_monthly_credit_grant bigint,
  p_monthly_llm_token_limit bigint, p_requests_per_hour integer, p_byok_counts_toward_limits boolean,
  p_overage_policy text, p_overage_credits_per_token bigint, p_is_active boolean default true
) returns public.plans
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.plans;
begin
  perform private.assert_plan_admin();
  if p_id is null or p_id !~ '^[a-z][a-z0-9_]{1,31}$' then
    perform private.fail('TG422', 'A plan id is 2 to 32 lowercase letters, digits or underscores.',
      jsonb_build_object('field', 'id'));
  end if;
  if p_overage_policy = 'credits' and coalesce(p_overage_credits_per_token, 0) <= 0 then
    perform private.fail('TG422', 'Spending credits past the allowance needs a price per token.',
      jsonb_build_object('field', 'overage_credits_per_token'));
  end if;
  if not coalesce(p_is_active, true) and exists (select 1 from public.plans p where p.id = p_id and p.is_default) then
    perform private.fail('TG422', 'The default plan cannot be retired.', jsonb_build_object('field', 'is_active'));
  end if;
  insert into public.plans as p (id, name, description, tier, monthly_credit_grant, monthly_llm_token_limit,
                                 requests_per_hour, byok_counts_toward_limits, overage_policy,
                                 overage_credits_per_token, is_active)
  values (p_id, btrim(p_name), coalesce(p_description, ''), p_tier, p_monthly_credit_grant,
          p_monthly_llm_token_limit, p_requests_per_hour, p_byok_counts_toward_limits, p_overage_policy,
          coalesce(p_overage_credits_per_token, 0), coalesce(p_is_active, true))
  on conflict (id) do update
  set name = excluded.name, description = excluded.description, tier = excluded.tier,
      monthly_credit_grant = excluded.monthly_credit_grant,
      monthly_llm_token_limit = excluded.monthly_llm_token_limit,
      requests_per_hour = excluded.requests_per_hour,
      byok_counts_toward_limits = excluded.byok_counts_toward_limits,
      overage_policy = excluded.overage_policy, overage_credits_per_token = excluded.overage_credits_per_token,
      is_active = excluded.is_active
  returning * into saved;
  return saved;
end
$$;
comment on function public.plan_upsert(text, text, text, smallint, bigint, bigint, integer, boolean, text, bigint, boolean) is
  'Platform admin: creates or replaces a plan. Limits apply at once; allowances from the next period.';

/* Sets a plan's allowance for one feature; balances pick it up at their next refresh. */
create function public.plan_set_allowance(p_plan_id text, p_token_type text, p_monthly_allowance bigint)
returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_plan_admin();
  if p_monthly_allowance is null or p_monthly_allowance not between 0 and 1000000000000 then
    perform private.fail('TG422', 'An allowance is a whole number of tokens from 0 to 10^12.',
      jsonb_build_object('field', 'monthly_allowance'));
  end if;
  if not exists (select 1 from public.plans p where p.id = p_plan_id)
     or not exists (select 1 from public.token_types t where t.name = p_token_type) then
    perform private.fail('TG404', 'Plan or token type not found.',
      jsonb_build_object('planId', p_plan_id, 'tokenType', p_token_type));
  end if;
  insert into public.plan_token_allowances (plan_id, token_type, monthly_allowance)
  values (p_plan_id, p_token_type, p_monthly_allowance)
  on conflict (plan_id, token_type) do update set monthly_allowance = excluded.monthly_allowance;
end
$$;
comment on function public.plan_set_allowance(text, text, bigint) is
  'Platform admin: a plan''s monthly allowance for one token type (0 removes the feature).';

/* Creates a token type or changes its label and cost per action. */
create function public.token_type_upsert(
  p_name text, p_label text, p_cost_per_action integer, p_description text default '', p_sort_order smallint default 0
) returns public.token_types
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.token_types;
begin
  perform private.assert_plan_admin();
  if p_cost_per_action is null or p_cost_per_action not between 1 and 1000000 then
    perform private.fail('TG422', 'A cost per action is a whole number from 1 to 1,000,000.',
      jsonb_build_object('field', 'cost_per_action'));
  end if;
  insert into public.token_types as t (name, label, description, cost_per_action, sort_order)
  values (p_name, btrim(p_label), coalesce(p_description, ''), p_cost_per_action, coalesce(p_sort_order, 0))
  on conflict (name) do update
  set label = excluded.label, description = excluded.description,
      cost_per_action = excluded.cost_per_action, sort_order = excluded.sort_order
  returning * into saved;
  return saved;
end
$$;
comment on function public.token_type_upsert(text, text, integer, text, smallint) is
  'Platform admin: creates or edits a token type and its cost per action.';

-- ===================================================================== PRIVILEGES
revoke all on function private.assert_plan_admin() from public, anon, authenticated, service_role;
revoke all on function
  public.plan_upsert(text, text, text, smallint, bigint, bigint, integer, boolean, text, bigint, boolean),
  public.plan_set_allowance(text, text, bigint),
  public.token_type_upsert(text, text, integer, text, smallint)
from public, anon;
grant execute on function
  public.plan_upsert(text, text, text, smallint, bigint, bigint, integer, boolean, text, bigint, boolean),
  public.plan_set_allowance(text, text, bigint),
  public.token_type_upsert(text, text, integer, text, smallint)
to authenticated, service_role;

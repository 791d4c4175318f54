-- Feature token allowances, part 2: the helpers every token operation shares — validating a
-- request, the clear refusals, and finding a deduction already made under a key.
--
-- Errors: TG413 (403) the plan lacks the feature — upgrade; TG412 (402) the allowance is spent;
-- TG402 (402) credits are short when the plan pays overage with credits; TG409 key reused;
-- TG422 bad input; TG404 unknown or foreign subject.

-- ===================================================================== FUNCTIONS: HELPERS
create function private.plan_allowance(plan text, token_type text) returns bigint
language plpgsql stable security definer set search_path = ''
as $$
begin
  return coalesce((select a.monthly_allowance from public.plan_token_allowances a
                   where a.plan_id = plan and a.token_type = plan_allowance.token_type), 0);
end
$$;
comment on function private.plan_allowance(text, text) is 'A plan''s allowance for a token type; 0 when it lacks the feature.';

create function private.subject_wallet(kind text, subject uuid) returns uuid
language sql stable security definer set search_path = ''
as $$
  -- Qualified: accounts has a column named kind too, which would win in a SQL function.
  select a.id from public.accounts a
  where (subject_wallet.kind = 'user' and a.user_id = subject_wallet.subject)
     or (subject_wallet.kind = 'org' and a.org_id = subject_wallet.subject)
$$;
comment on function private.subject_wallet(text, uuid) is 'The credit wallet of a user or org.';

/* Validates a token request and returns its size in allowance tokens (cost × actions). */
create function private.token_amount(
  token_type text, actions integer, feature text, idempotency_key text, metadata jsonb
) returns bigint
language plpgsql stable security definer set search_path = ''
as $$
declare
  cost integer := (select t.cost_per_action from public.token_types t where t.name = token_type);
begin
  if cost is null then
    perform private.fail('TG422', format('Unknown token type %L. Use one of: %s.', token_type,
      (select string_agg(t.name, ', ' order by t.sort_order) from public.token_types t)),
      jsonb_build_object('field', 'token_type'));
  end if;
  if actions is null or actions not between 1 and 10000 then
    perform private.fail('TG422', 'Actions must be a whole number from 1 to 10,000.', jsonb_build_object('field', 'actions'));
  end if;
  if feature is not null and char_length(feature) not between 1 and 100 then
    perform private.fail('TG422', 'A feature name has 1 to 100 characters.', jsonb_build_object('field', 'feature'));
  end if;
  -- 200, not 255: a credit overage reuses the key with a prefix in the ledger.
  if idempotency_key is null or char_length(idempotency_key) not between 1 and 200 then
    perform private.fail('TG422', 'An idempotency key of 1 to 200 characters is required.',
      jsonb_build_object('field', 'idempotency_key'));
  end if;
  if metadata is null or jsonb_typeof(metadata) <> 'object' or pg_column_size(metadata) > 8192 then
    perform private.fail('TG422', 'Metadata must be a JSON object of at most 8 KB.', jsonb_build_object('field', 'metadata'));
  end if;
  return cost::bigint * actions;
end
$$;
comment on function private.token_amount(text, integer, text, text, jsonb) is
  'Checks a token request (type, actions, feature, key, metadata); returns cost × actions.';

/* Refuses a feature the plan does not include, naming the cheapest plan that does. */
create function private.fail_upgrade_required(plan text, token_type text) returns void
language plpgsql stable security definer set search_path = ''
as $$
declare
  current_name text := (select p.name from public.plans p where p.id = plan);
  label text := (select t.label from public.token_types t where t.name = token_type);
  better record;
begin
  select p.id, p.name into better from public.plans p
  join public.plan_token_allowances a on a.plan_id = p.id and a.token_type = fail_upgrade_required.token_type
  where p.is_active and a.monthly_allowance > 0
  order by p.tier limit 1;
  perform private.fail('TG413',
    format('Your %s plan does not include %s. Upgrade to %s to use this.', current_name, label,
           coalesce(better.name, 'a higher plan')),
    jsonb_build_object('tokenType', token_type, 'planId', plan, 'upgradeTo', better.id));
end
$$;
comment on function private.fail_upgrade_required(text, text) is 'Raises TG413 with the plan to upgrade to.';

/* Refuses a use the allowance cannot cover this period (the plan does not pay overage). */
create function private.fail_insufficient_allowance(
  token_type text, needed bigint, available bigint, refresh_at timestamptz
) returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.fail('TG412',
    format('Not enough %s tokens: %s needed, %s left this period. They refresh on %s.',
           (select t.label from public.token_types t where t.name = token_type), needed, available,
           to_char(refresh_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')),
    jsonb_build_object('tokenType', token_type, 'needed', needed, 'available', available, 'refreshAt', refresh_at));
end
$$;
comment on function private.fail_insufficient_allowance(text, bigint, bigint, timestamptz) is
  'Raises TG412 with what was needed, what is left and when it refreshes.';

/*
 * The deduction already recorded under a key, or null. The same key for another token type or
 * amount is a conflict (TG409): a key names one deduction.
 */
create function private.replayed_deduction(
  kind text, subject uuid, key text, type_name text, amount bigint
) returns public.token_usage_log
language plpgsql stable security definer set search_path = ''
as $$
declare
  first public.token_usage_log;
begin
  select * into first from public.token_usage_log l
  where l.subject_kind = replayed_deduction.kind and l.subject_id = subject and l.idempotency_key = key;
  if found and (first.token_type <> type_name or first.amount <> replayed_deduction.amount) then
    perform private.fail('TG409', 'This idempotency key was already used for a different deduction.',
      jsonb_build_object('idempotencyKey', key, 'tokenType', first.token_type, 'amount', first.amount::text));
  end if;
  return first;
end
$$;
comment on function private.replayed_deduction(text, uuid, text, text, bigint) is
  'The first deduction under an idempotency key (null when none); TG409 when it differs.';

-- ===================================================================== PRIVILEGES
revoke all on function
  private.plan_allowance(text, text),
  private.subject_wallet(text, uuid),
  private.token_amount(text, integer, text, text, jsonb),
  private.fail_upgrade_required(text, text),
  private.fail_insufficient_allowance(text, bigint, bigint, timestamptz),
  private.replayed_deduction(text, uuid, text, text, bigint)
from public, anon, authenticated, service_role;

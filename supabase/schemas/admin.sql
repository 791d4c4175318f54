-- Platform admin batch credit operations: many wallets in one request, all or nothing. Each row
-- is an ordinary admin grant lot (credit_grant, source 'admin') or, for a negative amount, an
-- adjustment that takes credits back to the admin issuance account and never below zero. Every
-- row carries its own idempotency key, so re-submitting a batch replays instead of paying twice.
-- Any bad row fails the whole call with its row number (1-based, in the order given).

-- ===================================================================== FUNCTIONS
/* Resolves a batch row's target (wallet id, user email or org slug) to a user or org wallet. */
create function private.admin_batch_wallet(item jsonb, out wallet uuid, out label text)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if item ? 'wallet' then
    select a.id, coalesce(p.email, o.slug) into wallet, label
    from public.accounts a
    left join public.profiles p on p.id = a.user_id
    left join public.organizations o on o.id = a.org_id
    where a.id = (item ->> 'wallet')::uuid and a.kind in ('user_wallet', 'org_wallet');
  elsif item ? 'email' then
    select a.id, p.email into wallet, label
    from public.profiles p join public.accounts a on a.user_id = p.id
    where lower(p.email) = lower(btrim(item ->> 'email'));
  elsif item ? 'org' then
    select a.id, o.slug into wallet, label
    from public.organizations o join public.accounts a on a.org_id = o.id
    where o.slug = lower(btrim(item ->> 'org'));
  else
    perform private.fail('TG422', 'Name a wallet, an email or an org slug.', '{}'::jsonb);
  end if;
  if wallet is null then
    perform private.fail('TG422', format('No wallet matches “%s”.',
      coalesce(item ->> 'wallet', item ->> 'email', item ->> 'org')), '{}'::jsonb);
  end if;
end
$$;
comment on function private.admin_batch_wallet(jsonb) is
  'The user or org wallet a batch row names by wallet id, email or org slug (TG422 when none).';

/* Takes credits back from a wallet to the admin issuance account; never below zero (TG402). */
create function private.admin_adjust_down(
  account uuid, amount bigint, key text, description text, metadata jsonb
) returns table (transfer_id bigint, replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  transfer bigint;
  first public.transfers;
  left_over bigint;
begin
  perform private.check_input(amount, key, metadata, description);
  insert into public.transfers (debit_account_id, credit_account_id, amount, kind, category, description,
                                metadata, actor_id, key_account_id, idempotency_key)
  values (account, private.system_account('issuance:admin'), amount, 'adjustment', 'other', description,
          metadata, auth.uid(), account, key)
  on conflict on constraint transfers_idempotency do nothing
  returning id into transfer;
  if transfer is null then
    first := private.replayed_transfer(account, key, 'adjustment', amount, null);
    return query select first.id, true;
    return;
  end if;
  -- Like a transfer out: lock, burn earlier debits and expire what is due, then the guarded
  -- update (never below zero, holds included) and burn this amount of lots now.
  perform private.settle_wallet(account);
  update public.accounts a set debits_posted = a.debits_posted + amount
  where a.id = account and a.credits_posted - a.debits_posted - a.debits_pending >= amount
  returning a.credits_posted - a.debits_posted - a.debits_pending into left_over;
  if not found then
    perform private.fail('TG402',
      format('Insufficient credits: %s micro-credits to take back, %s available.', amount, private.available(account)),
      jsonb_build_object('needed', amount::text, 'available', private.available(account)::text, 'wallet', account));
  end if;
  perform private.burn_now(account, amount, transfer);
  return query select transfer, false;
end
$$;
comment on function private.admin_adjust_down(uuid, bigint, text, text, jsonb) is
  'An admin adjustment (debit) to issuance:admin, idempotent per wallet and key, never below zero.';

/*
 * p_rows: a JSON array of {wallet | email | org, amount (micro-credits, negative = adjustment),
 * expiresAt?, key?}. A row's idempotency key is 'admin-batch:' || key when it has one, else
 * 'admin-batch:' || p_batch_key || ':' || its row number.
 */
create function public.admin_credit_batch(p_rows jsonb, p_reason text, p_batch_key text)
returns table (row_number integer, wallet_id uuid, target text, amount bigint, transfer_id bigint,
               replayed boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  admin uuid := auth.uid();
  item jsonb;
  n integer := 0;
  resolved record;
  micro bigint;
  expires timestamptz;
  row_key text;
  meta jsonb;
  granted record;
  failed_state text;
  failed_message text;
  failed_hint text;
  hint_json jsonb;
begin
  if not private.is_trusted() and not private.is_platform_admin() then
    perform private.fail('TG403', 'Only platform admins grant credits.', '{}'::jsonb);
  end if;
  if p_reason is null or char_length(btrim(p_reason)) not between 3 and 500 then
    perform private.fail('TG422', 'Give a reason of 3 to 500 characters.', jsonb_build_object('field', 'reason'));
  end if;
  if p_batch_key is null or char_length(p_batch_key) not between 1 and 100 then
    perform private.fail('TG422', 'A batch key of 1 to 100 characters is required.',
      jsonb_build_object('field', 'batchKey'));
  end if;
  if p_rows is null or jsonb_typeof(p_rows) <> 'array' or jsonb_array_length(p_rows) = 0 then
    perform private.fail('TG422', 'The batch has no rows.', jsonb_build_object('field', 'rows'));
  end if;
  if jsonb_array_length(p_rows) > 5000 then
    perform private.fail('TG422', 'A batch holds at most 5,000 rows.', jsonb_build_object('field', 'rows'));
  end if;

  -- One exception block around the whole loop (a per-row block would open 5,000 subtransactions):
  -- n names the row being applied when anything fails, and the whole batch is rolled back.
  begin
    for item in select e.value from jsonb_array_elements(p_rows) e loop
      n := n + 1;
      if jsonb_typeof(item) <> 'object' then
        perform private.fail('TG422', 'A row must be an object.', '{}'::jsonb);
      end if;
      select w.wallet, w.label into resolved from private.admin_batch_wallet(item) w;
      micro := (item ->> 'amount')::bigint;
      expires := (item ->> 'expiresAt')::timestamptz;
      if micro is null or micro = 0 then
        perform private.fail('TG422', 'The amount must not be zero.', jsonb_build_object('field', 'amount'));
      end if;
      if micro < 0 and expires is not null then
        perform private.fail('TG422', 'An adjustment (negative amount) has no expiry.',
          jsonb_build_object('field', 'expiresAt'));
      end if;
      row_key := 'admin-batch:' || coalesce('key:' || (item ->> 'key'), p_batch_key || ':' || n);
      meta := jsonb_build_object('reason', btrim(p_reason), 'grantedBy', admin, 'target', resolved.label,
                                 'batchKey', p_batch_key, 'row', n);
      if micro > 0 then
        select g.transfer_id, g.replayed into granted
        from public.credit_grant(resolved.wallet, micro, 'admin', row_key, expires, null, btrim(p_reason),
                                 meta, 'other') g;
      else
        select d.transfer_id, d.replayed into granted
        from private.admin_adjust_down(resolved.wallet, -micro, row_key, btrim(p_reason), meta) d;
      end if;
      -- Rows returned so far are discarded if a later row fails (the function raises).
      row_number := n;
      wallet_id := resolved.wallet;
      target := resolved.label;
      amount := micro;
      transfer_id := granted.transfer_id;
      replayed := granted.replayed;
      return next;
    end loop;
  exception when others then
    get stacked diagnostics failed_state = returned_sqlstate, failed_message = message_text,
                            failed_hint = pg_exception_hint;
    if failed_state not like 'TG%' and failed_state not like '22%' then
      raise;
    end if;
    begin
      hint_json := coalesce(nullif(failed_hint, '')::jsonb, '{}'::jsonb);
    exception when others then
      hint_json := '{}'::jsonb;
    end;
    perform private.fail(case when failed_state = 'TG409' then 'TG409' else 'TG422' end,
      format('Row %s: %s', n, case when failed_state like '22%' then 'a value is not valid ('
        || failed_message || ').' else failed_message end),
      hint_json || jsonb_build_object('row', n));
  end;
end
$$;
comment on function public.admin_credit_batch(jsonb, text, text) is
  'Platform admins: grants (or adjusts down) credits for many wallets at once, all or nothing, idempotent per row.';

-- ===================================================================== PRIVILEGES
revoke all on function private.admin_batch_wallet(jsonb),
  private.admin_adjust_down(uuid, bigint, text, text, jsonb)
from public, anon, authenticated, service_role;
revoke all on function public.admin_credit_batch(jsonb, text, text) from public, anon;
grant execute on function public.admin_credit_batch(jsonb, text, text) to authenticated, service_role;

-- Platform admin editors for the AI catalog: what the catalog functions of the AI gateway do not
-- cover yet. Switching a model on or off, removing a kill switch, and the cache hit charge policy.
-- Each checks the caller like the other catalog editors (private.assert_ai_admin).

-- ===================================================================== FUNCTIONS
/* Makes a model callable or not; its prices and history stay. */
create function public.ai_model_set_active(p_model_id text, p_active boolean)
returns public.ai_models
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.ai_models;
begin
  perform private.assert_ai_admin();
  update public.ai_models m set is_active = coalesce(p_active, m.is_active)
  where m.id = p_model_id
  returning * into saved;
  if not found then
    perform private.fail('TG404', 'That model does not exist.', jsonb_build_object('model', p_model_id));
  end if;
  return saved;
end
$$;
comment on function public.ai_model_set_active(text, boolean) is
  'Platform admins: turns a model of the catalog on or off.';

/* Removes a flag row; with no row a feature, model or plan is enabled. */
create function public.ai_flag_delete(p_scope text, p_key text)
returns boolean
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.assert_ai_admin();
  delete from public.ai_feature_flags f where f.scope = p_scope and f.key = p_key;
  return found;
end
$$;
comment on function public.ai_flag_delete(text, text) is
  'Platform admins: deletes a kill switch (the subject is enabled again). True when one was deleted.';

/* Share of the normal price a cache hit is charged, in basis points (0 = free). */
create function public.ai_cache_policy_set(p_cache_hit_charge_bps integer)
returns public.ai_settings
language plpgsql security definer set search_path = ''
as $$
declare
  saved public.ai_settings;
begin
  perform private.assert_ai_admin();
  if p_cache_hit_charge_bps is null or p_cache_hit_charge_bps not between 0 and 10000 then
    perform private.fail('TG422', 'The cache hit charge is between 0 and 10000 basis points.',
      jsonb_build_object('field', 'cacheHitChargeBps'));
  end if;
  update public.ai_settings s set cache_hit_charge_bps = p_cache_hit_charge_bps, updated_at = now()
  returning * into saved;
  return saved;
end
$$;
comment on function public.ai_cache_policy_set(integer) is
  'Platform admins: how much of the normal price a cached answer costs (basis points, 0 = free).';

-- ===================================================================== PRIVILEGES
revoke all on function
  public.ai_model_set_active(text, boolean),
  public.ai_flag_delete(text, text),
  public.ai_cache_policy_set(integer)
from public, anon;
grant execute on function
  public.ai_model_set_active(text, boolean),
  public.ai_flag_delete(text, text),
  public.ai_cache_policy_set(integer)
to authenticated, service_role;
